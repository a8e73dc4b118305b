# Station console: intake, labels, harvest lists, the truck (issue 7).
