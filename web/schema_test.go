package web_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// definitions parses SDL (no validation: gqlparser's validator would be a new dependency).
func definitions(t *testing.T, sdl string) ast.DefinitionList {
	t.Helper()
	doc, err := parser.ParseSchema(&ast.Source{Name: "s", Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Definitions
}

// declarations lists schema.graphql's declarations in the form of
// testdata/magento-2.4.8.txt: "type X [implements Y]", "X.field(arg: T = d): T
// @deprecated("…")", and "Enum: VALUES" with the values sorted.
func declarations(t *testing.T, sdl string) []string {
	t.Helper()
	var out []string
	for _, def := range definitions(t, sdl) {
		if def.Name == "" {
			continue
		}
		kind := map[ast.DefinitionKind]string{ast.Object: "type", ast.InputObject: "input", ast.Enum: "enum",
			ast.Interface: "interface", ast.Union: "union", ast.Scalar: "scalar"}[def.Kind]
		head := kind + " " + def.Name
		if len(def.Interfaces) > 0 {
			head += " implements " + strings.Join(def.Interfaces, " & ")
		}
		out = append(out, head)
		for _, f := range def.Fields {
			line := def.Name + "." + f.Name
			if len(f.Arguments) > 0 {
				var args []string
				for _, a := range f.Arguments {
					arg := a.Name + ": " + a.Type.String()
					if a.DefaultValue != nil {
						arg += " = " + a.DefaultValue.String()
					}
					args = append(args, arg)
				}
				line += "(" + strings.Join(args, ", ") + ")"
			}
			line += ": " + f.Type.String()
			if d := f.Directives.ForName("deprecated"); d != nil {
				reason := "No longer supported"
				if a := d.Arguments.ForName("reason"); a != nil {
					reason = a.Value.Raw
				}
				line += ` @deprecated("` + reason + `")`
			}
			out = append(out, line)
		}
		if len(def.EnumValues) > 0 {
			var values []string
			for _, v := range def.EnumValues {
				values = append(values, v.Name)
			}
			sort.Strings(values)
			out = append(out, def.Name+": "+strings.Join(values, " "))
		}
	}
	return out
}

// magentoDeclarations reads testdata/magento-2.4.8.txt.
func magentoDeclarations(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("testdata/magento-2.4.8.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, values, ok := strings.Cut(line, ": "); ok && !strings.Contains(name, ".") && !strings.Contains(name, " ") {
			v := strings.Fields(values)
			sort.Strings(v)
			line = name + ": " + strings.Join(v, " ")
		}
		if out[line] {
			t.Errorf("testdata/magento-2.4.8.txt lists %q twice", line)
		}
		out[line] = true
	}
	return out
}

// beyondMagento are what schema.graphql serves that Magento 2.4.8 Open Source does
// not declare, each with where it comes from.
var beyondMagento = map[string]string{
	"Mutation.exchangeOtpForCustomerToken(email: String!, otp: String!): CustomerToken": "Adobe Commerce as a Cloud Service (magento-notes §1.4)",
	"StoreConfig.shopping_assistance_enabled: Boolean":                                  "Adobe Commerce as a Cloud Service; @dropins/storefront-auth reads it",
	"StoreConfig.shopping_assistance_checkbox_title: String":                            "Adobe Commerce as a Cloud Service; @dropins/storefront-auth reads it",
	"StoreConfig.shopping_assistance_checkbox_tooltip: String":                          "Adobe Commerce as a Cloud Service; @dropins/storefront-auth reads it",
	"StoreConfig.share_customer_accounts_scope: Int":                                    "Adobe Commerce as a Cloud Service; @dropins/storefront-auth reads it",
}

// notYetServed are Magento's declarations, on types schema.graphql names, that it
// does not serve yet (none since issue 12 items 2 to 5 landed). Remove a line when its field lands.
var notYetServed = []string{}

// TestSchemaMatchesMagento: every type schema.graphql names is declared as Magento
// 2.4.8 declares it (testdata/magento-2.4.8.txt, transcribed from Magento's files):
// the same fields, argument types and defaults, nullability, enum values and
// deprecation reasons, apart from the listed additions and the fields not served yet.
func TestSchemaMatchesMagento(t *testing.T) {
	magento := magentoDeclarations(t)
	ours := declarations(t, schemaSDL)
	types := map[string]bool{}
	served := map[string]bool{}
	for _, d := range ours {
		served[d] = true
		if isTypeLine(d) {
			types[strings.Fields(d)[1]] = true
			continue
		}
		if !magento[d] && beyondMagento[d] == "" {
			t.Errorf("schema.graphql declares %q; Magento 2.4.8 does not (testdata/magento-2.4.8.txt)", d)
		}
	}
	for d := range beyondMagento {
		if !served[d] {
			t.Errorf("beyondMagento lists %q, which schema.graphql does not declare", d)
		}
		if magento[d] {
			t.Errorf("beyondMagento lists %q, which Magento declares", d)
		}
	}
	pending := map[string]bool{}
	for _, d := range notYetServed {
		pending[d] = true
		if served[d] {
			t.Errorf("%q is served now: take it off notYetServed", d)
		}
	}
	for d := range magento {
		owner := d
		if isTypeLine(d) {
			owner = strings.Fields(d)[1]
		} else if i := strings.IndexAny(d, ".:"); i > 0 {
			owner = d[:i]
		}
		if types[owner] && !served[d] && !pending[d] {
			t.Errorf("Magento 2.4.8 declares %q; schema.graphql does not", d)
		}
	}
	for d := range types {
		if !declaresType(magento, d) {
			t.Errorf("schema.graphql names type %s, which testdata/magento-2.4.8.txt does not declare: transcribe it", d)
		}
	}
}

var typeKinds = []string{"type", "input", "enum", "interface", "union", "scalar"}

// isTypeLine reports whether a declaration line declares a type ("type X implements Y").
func isTypeLine(d string) bool {
	for _, k := range typeKinds {
		if strings.HasPrefix(d, k+" ") {
			return true
		}
	}
	return false
}

// declaresType reports whether the declarations declare the type name, of any kind.
func declaresType(decls map[string]bool, name string) bool {
	for d := range decls {
		if isTypeLine(d) && strings.Fields(d)[1] == name {
			return true
		}
	}
	return false
}
