# Shop, farmer, driver and operator pages (issue 7).
