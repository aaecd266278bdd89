package web

import (
	"net/http"
	"strings"
)

// The GraphQL explorer (GraphiQL from npm) that /graphql serves to a browser. Its built
// files are vendored under web/static/vendor/ by tools/vendor-graphiql.sh, which reads
// the versions pinned here; the binary embeds them and no CDN is used. GraphiQL 4 is the
// last major version with a UMD build (5 ships ES modules for a bundler only).
const (
	graphiqlVersion = "4.1.2"
	reactVersion    = "18.3.1"
)

// explorerAssets are the explorer's scripts and stylesheets, in load order.
var (
	explorerScripts = []string{
		"vendor/react@" + reactVersion + "/react.production.min.js",
		"vendor/react-dom@" + reactVersion + "/react-dom.production.min.js",
		"vendor/graphiql@" + graphiqlVersion + "/graphiql.min.js",
		"explorer.js",
	}
	explorerStyles = []string{"vendor/graphiql@" + graphiqlVersion + "/graphiql.min.css", "explorer.css"}
)

// wantsExplorer reports whether r is a browser opening /graphql itself: a GET that
// accepts HTML and carries no query. Every other request is GraphQL's, unchanged.
func wantsExplorer(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Query().Get("query") == "" &&
		strings.Contains(r.Header.Get("Accept"), "text/html")
}

// handleGraphQLOrExplorer serves GraphiQL to a browser that opens /graphql and
// answers every other request as GraphQL.
func (s *Server) handleGraphQLOrExplorer(w http.ResponseWriter, r *http.Request) {
	if !wantsExplorer(r) || s.pages["explorer"] == nil {
		s.handleGraphQL(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "explorer", map[string]any{"Title": "GraphQL explorer",
		"Scripts": explorerScripts, "Styles": explorerStyles, "GraphiQLVersion": graphiqlVersion})
}
