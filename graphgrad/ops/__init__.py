"""One module per op family; each op is one registry block plus its public function."""
