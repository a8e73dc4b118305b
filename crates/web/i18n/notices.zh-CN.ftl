# Notices to both sides of a claim, trust on listings, fraud signals (issue 6).
