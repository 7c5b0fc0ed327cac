"""The comparison benchmark behind `make bench` (bench/compare.py): specmock against Prism.

`install` fetches the tools and specs into a cache outside the repo, `workloads` says what is sent
(and checks it with openapi-core), `servers` starts and stops the servers, `load` drives them,
`report` prints the table.
"""
