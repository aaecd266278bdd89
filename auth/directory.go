package auth

import (
	_ "embed" // directory.tsv
	"strconv"
	"strings"
)

// Country is one country of Magento's directory (DirectoryGraphQl's Country).
type Country struct {
	ID      string // ISO 3166-1 alpha-2, as country_id
	ISO3    string
	Name    string // English name, as Magento's en_US locale shows it
	Regions []Region
}

// Region is a state or province of a country, with Magento's region_id.
type Region struct {
	ID      int
	Country string
	Code    string
	Name    string
}

//go:embed directory/directory.tsv
var directoryTSV string

// Directory is the embedded country and region list, read once.
type Directory struct {
	countries []*Country
	byID      map[string]*Country
	regions   map[int]*Region
}

var directory = loadDirectory(directoryTSV)

func loadDirectory(text string) *Directory {
	d := &Directory{byID: map[string]*Country{}, regions: map[int]*Region{}}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Split(line, "\t")
		switch {
		case len(f) == 4 && f[0] == "C":
			c := &Country{ID: f[1], ISO3: f[2], Name: f[3]}
			d.countries = append(d.countries, c)
			d.byID[c.ID] = c
		case len(f) == 5 && f[0] == "R":
			id, err := strconv.Atoi(f[2])
			c := d.byID[f[1]]
			if err != nil || c == nil {
				panic("directory.tsv: bad region line " + line)
			}
			c.Regions = append(c.Regions, Region{ID: id, Country: c.ID, Code: f[3], Name: f[4]})
		}
	}
	for _, c := range d.countries {
		for i := range c.Regions {
			d.regions[c.Regions[i].ID] = &c.Regions[i]
		}
	}
	return d
}

// Countries returns every country of the directory in CountryCodeEnum's order.
func (s *Service) Countries() []*Country { return directory.countries }

// CountryByID returns a country by its two-letter id, or Magento's "Requested country is
// not available." (graphql-no-such-entity).
func (s *Service) CountryByID(id string) (*Country, error) {
	if c := directory.byID[strings.ToUpper(strings.TrimSpace(id))]; c != nil && strings.TrimSpace(id) != "" {
		return c, nil
	}
	return nil, &Error{Category: CategoryNoSuchEntity, Message: MsgCountryNotAvailable}
}

func (d *Directory) country(id string) *Country { return d.byID[id] }

func (d *Directory) region(id int) *Region { return d.regions[id] }
