"""Update packs: one workbook per agency goes out with its open recommendations, comes back filled in,
and is imported as progress updates (and proposed status changes) without re-keying.

- `content`: what a pack holds, read from the database;
- `identity`: the pack identifier and the checksums that tie a returned file to its round, agency and rows;
- `workbook`: the protected XLSX (and its encryption); `email_draft`: the covering .eml;
- `make`: the service that makes, registers and writes the packs;
- `reader`: a returned workbook read within limits; `review`: the dry run; `importer`: the import;
- `register`: each agency's pack status in a round; `proposals`: status changes waiting for a decision.
"""
