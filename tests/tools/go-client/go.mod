module minutes/tests/tools/go-client

go 1.19
