-- The unit people's pages show weights in, per county: kg, or jin (斤, 500 g).

ALTER TABLE county_settings ADD COLUMN weight_unit TEXT NOT NULL DEFAULT 'kg';
