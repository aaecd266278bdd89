package web

import (
	"encoding/json"
	"math"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// queryInfo is what the handler needs to know about a query before and after
// running it: graphql-go does not expose its parse tree.
type queryInfo struct {
	ok         bool // parsed; when false nothing runs (see syntaxError)
	parseErr   *gqlerror.Error
	doc        *ast.QueryDocument
	aliases    int
	fields     int                      // field nodes as written (fragments not expanded): Magento's field count
	depth      int                      // Magento's query depth, the largest over the document's operations
	operations map[string]ast.Operation // by name ("" for an anonymous one)
	rootFields map[string][]string      // field names selected at the root, by operation name

	prepare  sync.Once
	prepared *graphql.Document // graphql-go's parse and validation, made once (document)
}

// document is graphql-go's parsed and validated query, made on first use and kept
// with the analysis, so a query the cache holds is parsed and validated by graphql-go
// once, not on every request. query is the text q was analysed from. It is made only
// when the query is about to run, after the handler's own checks have passed.
func (q *queryInfo) document(s *graphql.Schema, query string) *graphql.Document {
	q.prepare.Do(func() { q.prepared = s.Prepare(query) })
	return q.prepared
}

// selects reports whether the operation that will run selects any of the root fields.
func (q *queryInfo) selects(opName string, fields ...string) bool {
	return q.count(opName, fields...) > 0
}

// count is how many times the operation that will run selects any of the root fields:
// with aliases one request can run the same mutation several times, and each run costs.
func (q *queryInfo) count(opName string, fields ...string) int {
	if !q.ok {
		return 0
	}
	if opName == "" && len(q.doc.Operations) == 1 {
		opName = q.doc.Operations[0].Name
	}
	n := 0
	for _, f := range q.rootFields[opName] {
		for _, want := range fields {
			if f == want {
				n++
			}
		}
	}
	return n
}

// rootFieldNames lists the root fields, expanding each fragment at most once so a
// hostile query cannot make the expansion explode.
func rootFieldNames(set ast.SelectionSet, doc *ast.QueryDocument, seen map[string]bool) []string {
	var out []string
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s.Name)
		case *ast.InlineFragment:
			out = append(out, rootFieldNames(s.SelectionSet, doc, seen)...)
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, rootFieldNames(f.SelectionSet, doc, seen)...)
			}
		}
	}
	return out
}

// syntaxError is the error for a query our parser could not read, in webonyx's words
// ("Syntax Error: …") where it stopped.
func (q *queryInfo) syntaxError() *gqlerrors.QueryError {
	e := &gqlerrors.QueryError{Message: "Syntax Error", Extensions: map[string]any{"category": "graphql"}}
	if q.parseErr != nil {
		e.Message += ": " + q.parseErr.Message
		for _, l := range q.parseErr.Locations {
			e.Locations = append(e.Locations, gqlerrors.Location{Line: l.Line, Column: l.Column})
		}
	}
	return e
}

// operationType returns the type of the operation that will run ("" when unknown).
func (q *queryInfo) operationType(name string) ast.Operation {
	if !q.ok {
		return ""
	}
	if name == "" && len(q.doc.Operations) == 1 {
		return q.doc.Operations[0].Operation
	}
	return q.operations[name]
}

func analyzeQuery(query string) *queryInfo {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		ge, _ := err.(*gqlerror.Error)
		return &queryInfo{parseErr: ge}
	}
	q := &queryInfo{ok: true, doc: doc, operations: map[string]ast.Operation{}, rootFields: map[string][]string{}}
	for _, op := range doc.Operations {
		q.operations[op.Name] = op.Operation
		q.rootFields[op.Name] = rootFieldNames(op.SelectionSet, doc, map[string]bool{})
		q.tally(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		q.tally(f.SelectionSet)
	}
	m := depthMeter{doc: doc, frag: map[string]int{}}
	for _, op := range doc.Operations {
		q.depth = max(q.depth, m.rel(op.SelectionSet))
	}
	return q
}

// depthMeter measures depth as Magento does (webonyx's QueryDepth rule): a root field
// is at depth 0 and only fields with a selection set count, so {customer{email}} has
// depth 0 and {customer{addresses{region{code}}}} depth 2. Each fragment is measured
// once (memo), so fragments spreading others many times cannot make it explode.
type depthMeter struct {
	doc  *ast.QueryDocument
	frag map[string]int // fragment → relative depth; -1 none, -2 being measured (cycle)
}

// rel is the deepest field with a selection set in set, relative to set (-1: none).
func (m *depthMeter) rel(set ast.SelectionSet) int {
	d := -1
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.SelectionSet != nil {
				d = max(d, 1+m.rel(s.SelectionSet), 0)
			}
		case *ast.InlineFragment:
			d = max(d, m.rel(s.SelectionSet))
		case *ast.FragmentSpread:
			v, ok := m.frag[s.Name]
			if !ok {
				f := m.doc.Fragments.ForName(s.Name)
				if f == nil {
					continue
				}
				m.frag[s.Name] = -2 // a cycle is graphql-go's error to report
				v = m.rel(f.SelectionSet)
				m.frag[s.Name] = v
			}
			d = max(d, v)
		}
	}
	return d
}

// tally walks the fields as written (each fragment once, where it is defined) and adds
// Magento's two pre-checks: field nodes (QueryComplexityLimiter::validateFieldCount) and
// aliases that rename a field (validateAliasCount).
func (q *queryInfo) tally(set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			q.fields++
			if s.Alias != "" && s.Alias != s.Name {
				q.aliases++
			}
			q.tally(s.SelectionSet)
		case *ast.InlineFragment:
			q.tally(s.SelectionSet)
		}
	}
}

// locate finds where the field at path is written, for resolver errors, which
// graphql-go leaves without "locations" while Magento always has them.
func (q *queryInfo) locate(opName string, path []any) []gqlerrors.Location {
	if !q.ok || len(path) == 0 {
		return nil
	}
	var set ast.SelectionSet
	for _, op := range q.doc.Operations {
		if op.Name == opName || (opName == "" && len(q.doc.Operations) == 1) {
			set = op.SelectionSet
		}
	}
	var found *ast.Field
	for _, p := range path {
		key, isKey := p.(string)
		if !isKey {
			continue // list index
		}
		f := findField(set, key)
		if f == nil {
			break
		}
		found, set = f, f.SelectionSet
	}
	if found == nil || found.Position == nil {
		return nil
	}
	return []gqlerrors.Location{{Line: found.Position.Line, Column: found.Position.Column}}
}

func findField(set ast.SelectionSet, key string) *ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			alias := s.Alias
			if alias == "" {
				alias = s.Name
			}
			if alias == key {
				return s
			}
		case *ast.InlineFragment:
			if f := findField(s.SelectionSet, key); f != nil {
				return f
			}
		}
	}
	return nil
}

// queryCache keeps analyses of recent query strings; storefronts send the same few
// queries again and again. It is bounded by the bytes of query text it holds, not
// only by entries: a parse tree takes up to about 120 times its query's size (a
// 64 KiB list of numbers is 7 MiB), so 512 big queries would pin gigabytes.
// graphql-go's document, kept once the query runs, adds about 10 times the size of a
// query that validates (a 15 KiB one: 140-160 KiB); one that does not keeps none.
type queryCache struct {
	mu    sync.Mutex
	m     map[string]*queryInfo
	bytes int // query text held
}

const (
	queryCacheSize     = 512
	queryCacheBytes    = 256 << 10 // at most ~30 MiB of parse trees
	queryCacheMaxQuery = 16 << 10  // bigger queries are analysed on every request, never kept
)

func (c *queryCache) get(query string) *queryInfo {
	if len(query) > queryCacheMaxQuery {
		return analyzeQuery(query)
	}
	c.mu.Lock()
	q, ok := c.m[query]
	c.mu.Unlock()
	if ok {
		return q
	}
	q = analyzeQuery(query)
	c.mu.Lock()
	if _, ok := c.m[query]; !ok {
		if c.m == nil || len(c.m) >= queryCacheSize || c.bytes+len(query) > queryCacheBytes {
			c.m, c.bytes = make(map[string]*queryInfo, queryCacheSize), 0
		}
		c.m[query] = q
		c.bytes += len(query)
	}
	c.mu.Unlock()
	return q
}

// badVariable checks the values given for the operation's scalar variables the way
// webonyx (Magento's GraphQL library) does, and returns its message for the first
// wrong one ("" when all fit). graphql-go would turn 5 into "5" for a String!, or
// answer with Go type names for an object.
func (q *queryInfo) badVariable(opName string, vars map[string]any) string {
	if !q.ok {
		return ""
	}
	var op *ast.OperationDefinition
	if opName == "" && len(q.doc.Operations) == 1 {
		op = q.doc.Operations[0]
	} else {
		op = q.doc.Operations.ForName(opName)
	}
	if op == nil {
		return ""
	}
	for _, def := range op.VariableDefinitions {
		v, given := vars[def.Variable]
		if !given || v == nil || def.Type == nil || def.Type.Elem != nil {
			continue // missing, null and list values are graphql-go's to judge
		}
		if why := scalarMismatch(def.Type.NamedType, v); why != "" {
			shown, _ := json.Marshal(v)
			return "Variable \"$" + def.Variable + "\" got invalid value " + string(shown) + "; " + why + ": " + string(shown)
		}
	}
	return ""
}

// scalarMismatch is webonyx's reason a value cannot be the named built-in scalar.
func scalarMismatch(typeName string, v any) string {
	isInt := func(v any) bool {
		switch n := v.(type) {
		case int32:
			return true
		case float64:
			return n == math.Trunc(n) && n >= math.MinInt32 && n <= math.MaxInt32
		}
		return false
	}
	switch typeName {
	case "String":
		if _, ok := v.(string); !ok {
			return "String cannot represent a non string value"
		}
	case "ID":
		if _, ok := v.(string); !ok && !isInt(v) {
			return "ID cannot represent a non-string and non-integer value"
		}
	case "Int":
		if !isInt(v) {
			return "Int cannot represent non-integer value"
		}
	case "Float":
		switch v.(type) {
		case int32, float64:
		default:
			return "Float cannot represent non numeric value"
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return "Boolean cannot represent a non boolean value"
		}
	}
	return ""
}
