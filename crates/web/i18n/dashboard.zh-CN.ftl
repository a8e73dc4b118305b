# The county dashboard and its exports (issue 8).
