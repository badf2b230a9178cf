"""Pages of the complaints and feedback mechanism (staff pages, the public form and the inbound webhook)."""
