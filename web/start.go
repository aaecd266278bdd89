package web

import (
	"html/template"
	"net/http"

	"shopauth/auth"
)

var startPage = template.Must(template.New("start").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>shopauth</title></head>
<body><main>
<h1>shopauth {{.Version}}</h1>
<p>Magento-compatible customer authorization over GraphQL. Database: <code>{{.DB}}</code>.</p>
<ul>
<li>GraphQL endpoint: <a href="/graphql">/graphql</a> (POST, or GET for queries)</li>
<li>Customer token lifetime: {{.CustomerLifetime}} h; admin token lifetime: {{.AdminLifetime}} h</li>
<li>Session cookies: {{if .SessionsOff}}off{{else}}on{{end}}</li>
<li>Health: <a href="/healthz">/healthz</a></li>
</ul>
</main></body></html>
`))

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	st := s.svc.Settings()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	startPage.Execute(w, map[string]any{
		"Version": s.cfg.Version, "DB": s.cfg.DBPath,
		"CustomerLifetime": st.Get(auth.PathCustomerTokenLifetime), "AdminLifetime": st.Get(auth.PathAdminTokenLifetime),
		"SessionsOff": st.Bool(auth.PathSessionDisable),
	})
}
