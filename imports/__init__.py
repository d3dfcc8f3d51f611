"""Handing out many seats from a file: parse the CSV, check every row with the seat rules, apply
all or nothing in set-based batches, in the request or as a background job."""
