package main

import (
	"embed"
	_ "embed"
)

// schemaSDL is the GraphQL contract served at /graphql.
//
//go:embed schema.graphql
var schemaSDL string

// webAssets holds the admin page's templates and static files.
//
//go:embed web/templates web/static
var webAssets embed.FS
