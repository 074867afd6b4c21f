"""Moving data in and out: the whole-database JSON archive, spreadsheet import, CSV/XLSX exports."""
