package resolvers

import (
	"context"

	"github.com/graph-gophers/graphql-go"
	"shopauth/auth"
)

// attributeValueInput is AttributeValueInput.
type attributeValueInput struct {
	AttributeCode   string
	Value           *string
	SelectedOptions *[]struct{ Value string }
}

func (in attributeValueInput) domain() auth.AttributeValueInput {
	d := auth.AttributeValueInput{Code: in.AttributeCode, Value: in.Value}
	if in.SelectedOptions != nil {
		for _, o := range *in.SelectedOptions {
			d.SelectedOptions = append(d.SelectedOptions, o.Value)
		}
	}
	return d
}

func attributeValues(in *[]attributeValueInput) []auth.AttributeValueInput {
	if in == nil {
		return nil
	}
	out := make([]auth.AttributeValueInput, len(*in))
	for i, v := range *in {
		out[i] = v.domain()
	}
	return out
}

func codes(in *[]graphql.ID) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(*in))
	for i, c := range *in {
		out[i] = string(c)
	}
	return out
}

// attributeValue resolves AttributeValueInterface: AttributeValue, or
// AttributeSelectedOptions for a select attribute.
type attributeValue struct{ v auth.AttributeValue }

func attributeValuesOut(vs []auth.AttributeValue) []*attributeValue {
	out := make([]*attributeValue, len(vs))
	for i := range vs {
		out[i] = &attributeValue{vs[i]}
	}
	return out
}

func (a *attributeValue) Code() graphql.ID { return graphql.ID(a.v.Attribute.Code) }
func (a *attributeValue) Value() string    { return a.v.Value }
func (a *attributeValue) SelectedOptions() []*selectedOption {
	out := make([]*selectedOption, len(a.v.Selected))
	for i := range a.v.Selected {
		out[i] = &selectedOption{a.v.Selected[i]}
	}
	return out
}
func (a *attributeValue) ToAttributeValue() (*attributeValue, bool) {
	return a, a.v.Attribute.FrontendInput != "SELECT"
}
func (a *attributeValue) ToAttributeSelectedOptions() (*attributeValue, bool) {
	return a, a.v.Attribute.FrontendInput == "SELECT"
}

// selectedOption resolves AttributeSelectedOptionInterface.
type selectedOption struct{ o auth.AttributeOption }

func (o *selectedOption) Label() string { return o.o.Label }
func (o *selectedOption) Value() string { return o.o.Value }
func (o *selectedOption) ToAttributeSelectedOption() (*selectedOption, bool) {
	return o, true
}

// CustomAttributes lists the customer's custom attribute values.
func (c *Customer) CustomAttributes(ctx context.Context, args struct{ AttributeCodes *[]graphql.ID }) (*[]*attributeValue, error) {
	vs, err := c.svc.CustomerCustomAttributes(ctx, c.c, codes(args.AttributeCodes))
	if err != nil {
		return nil, err
	}
	out := attributeValuesOut(vs)
	return &out, nil
}

// attributeMeta resolves CustomAttributeMetadataInterface as CustomerAttributeMetadata.
type attributeMeta struct{ a *auth.Attribute }

func (m *attributeMeta) Code() graphql.ID       { return graphql.ID(m.a.Code) }
func (m *attributeMeta) Label() *string         { return str(m.a.Label) }
func (m *attributeMeta) EntityType() string     { return m.a.Entity }
func (m *attributeMeta) FrontendInput() *string { return str(m.a.FrontendInput) }
func (m *attributeMeta) FrontendClass() *string { return nil }
func (m *attributeMeta) IsRequired() bool       { return m.a.Required }
func (m *attributeMeta) DefaultValue() *string  { return str(m.a.DefaultValue) }
func (m *attributeMeta) IsUnique() bool         { return m.a.Unique }
func (m *attributeMeta) InputFilter() *string   { return str(m.a.InputFilter) }
func (m *attributeMeta) MultilineCount() *int32 { n := int32(m.a.MultilineCount); return &n }
func (m *attributeMeta) SortOrder() *int32      { n := int32(m.a.SortOrder); return &n }
func (m *attributeMeta) ValidateRules() *[]*validationRule {
	out := make([]*validationRule, len(m.a.Rules))
	for i := range m.a.Rules {
		out[i] = &validationRule{Name: &m.a.Rules[i].Name, Value: &m.a.Rules[i].Value}
	}
	return &out
}
func (m *attributeMeta) Options() []*optionMeta {
	out := make([]*optionMeta, len(m.a.Options))
	for i := range m.a.Options {
		out[i] = &optionMeta{m.a.Options[i]}
	}
	return out
}
func (m *attributeMeta) ToCustomerAttributeMetadata() (*attributeMeta, bool) { return m, true }
func (m *attributeMeta) ToAttributeMetadata() (*attributeMeta, bool)         { return nil, false }

type validationRule struct{ Name, Value *string }

// optionMeta resolves CustomAttributeOptionInterface.
type optionMeta struct{ o auth.AttributeOption }

func (o *optionMeta) Label() string                                  { return o.o.Label }
func (o *optionMeta) Value() string                                  { return o.o.Value }
func (o *optionMeta) IsDefault() bool                                { return o.o.IsDefault }
func (o *optionMeta) ToAttributeOptionMetadata() (*optionMeta, bool) { return o, true }

// attributesOutput is AttributesFormOutput and AttributesMetadataOutput.
type attributesOutput struct {
	items []*attributeMeta
	errs  []*attributeError
}

func (o *attributesOutput) Items() []*attributeMeta   { return o.items }
func (o *attributesOutput) Errors() []*attributeError { return o.errs }

type attributeError struct{ Type, Message string }

func output(as []*auth.Attribute, errs []auth.AttributeLookupError, err error) (*attributesOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &attributesOutput{items: make([]*attributeMeta, len(as)), errs: make([]*attributeError, len(errs))}
	for i, a := range as {
		out.items[i] = &attributeMeta{a}
	}
	for i, e := range errs {
		out.errs[i] = &attributeError{e.Type, e.Message}
	}
	return out, nil
}

// AttributesForm lists the attributes of a storefront form.
func (r *Root) AttributesForm(ctx context.Context, args struct{ FormCode string }) (*attributesOutput, error) {
	return output(r.Service.AttributesForm(ctx, args.FormCode))
}

// CustomAttributeMetadataV2 returns the metadata of the named attributes.
func (r *Root) CustomAttributeMetadataV2(ctx context.Context, args struct {
	Attributes *[]struct{ AttributeCode, EntityType *string }
}) (*attributesOutput, error) {
	var refs []auth.AttributeRef
	if args.Attributes != nil {
		for _, a := range *args.Attributes {
			ref := auth.AttributeRef{}
			if a.AttributeCode != nil {
				ref.Code = *a.AttributeCode
			}
			if a.EntityType != nil {
				ref.Entity = *a.EntityType
			}
			refs = append(refs, ref)
		}
	}
	return output(r.Service.AttributesMetadata(ctx, refs))
}
