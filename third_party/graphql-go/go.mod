module github.com/graph-gophers/graphql-go

go 1.25.0
