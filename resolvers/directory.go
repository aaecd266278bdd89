package resolvers

import (
	"strings"

	"shopauth/auth"
)

// Country is DirectoryGraphQl's Country.
type Country struct{ c *auth.Country }

func (c *Country) ID() *string                      { return &c.c.ID }
func (c *Country) TwoLetterAbbreviation() *string   { return &c.c.ID }
func (c *Country) ThreeLetterAbbreviation() *string { return &c.c.ISO3 }
func (c *Country) FullNameLocale() *string          { return &c.c.Name }
func (c *Country) FullNameEnglish() *string         { return &c.c.Name }

// AvailableRegions is null for a country without a region list, as Magento answers.
func (c *Country) AvailableRegions() *[]*Region {
	if len(c.c.Regions) == 0 {
		return nil
	}
	out := make([]*Region, len(c.c.Regions))
	for i := range c.c.Regions {
		out[i] = &Region{&c.c.Regions[i]}
	}
	return &out
}

// Region is a state or province.
type Region struct{ r *auth.Region }

func (r *Region) ID() *int32    { id := int32(r.r.ID); return &id }
func (r *Region) Code() *string { return &r.r.Code }
func (r *Region) Name() *string { return &r.r.Name }

// Countries lists every country.
func (r *Root) Countries() *[]*Country {
	list := r.Service.Countries()
	out := make([]*Country, len(list))
	for i, c := range list {
		out[i] = &Country{c}
	}
	return &out
}

// Country returns one country by its two-letter id.
func (r *Root) Country(args struct{ ID *string }) (*Country, error) {
	id := ""
	if args.ID != nil {
		id = *args.ID
	}
	c, err := r.Service.CountryByID(id)
	if err != nil {
		return nil, err
	}
	return &Country{c}, nil
}

// CountriesWithRequiredRegion lists the countries whose addresses need a region.
func (c *StoreConfig) CountriesWithRequiredRegion() *string {
	return str(strings.Join(auth.CountriesWithRequiredRegion(), ","))
}

// OptionalZipCountries lists the countries whose addresses need no postcode.
func (c *StoreConfig) OptionalZipCountries() *string {
	return str(strings.Join(auth.OptionalZipCountries(), ","))
}

// DefaultCountry and DisplayStateIfOptional are settings (resolvers/storeconfig.go).
