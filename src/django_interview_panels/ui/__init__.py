"""The optional candidate page: one server-rendered page and a small script that take the
interview through the candidate's API (docs/ui.md). Hosts that serve only the API leave its URLs
out."""
