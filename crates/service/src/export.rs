//! Tables of the county dashboard as files an operator or an auditor downloads: CSV (RFC 4180,
//! UTF-8 with a byte-order mark so that Excel shows Chinese correctly, CRLF line ends) and XLSX
//! (Office Open XML, one sheet, numbers as numeric cells with their format: fen as yuan with two
//! decimals, grams as kg with three, basis points as a percent). The XLSX is written here over the
//! `zip` crate: five small XML parts are all a spreadsheet needs, and it keeps the dependency set
//! small. Every value is written from integers, never through a float.
//!
//! The first row holds the column headers; the title names the sheet (and the caller's file).

use std::fmt::Write as _;
use std::io::Write as _;
use uplink_core::{Fen, Grams};

/// One cell of a table, typed so that each file writes it in its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Money: `1250` fen is `12.50`.
    Fen(Fen),
    /// Weight: `1250` g is `1.250` kg.
    Grams(Grams),
    /// A share in basis points: `1234` is `12.34%`.
    Bps(i64),
    /// Nothing to show (a share of nothing).
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// A table with its title, column headers (already in the reader's language) and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// An integer divided by 10^`places`, written exactly (`-5`, 2 → `-0.05`).
fn decimal(v: i64, places: u32) -> String {
    let unit = 10i128.pow(places);
    let v = i128::from(v);
    let sign = if v < 0 { "-" } else { "" };
    let (whole, frac) = (v.abs() / unit, v.abs() % unit);
    if places == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{frac:0w$}", w = places as usize) }
}

impl Cell {
    /// The cell as text, as the CSV holds it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(v) => v.to_string(),
            Cell::Fen(f) => decimal(f.0, 2),
            Cell::Grams(g) => decimal(g.0, 3),
            Cell::Bps(b) => format!("{}%", decimal(*b, 2)),
            Cell::Empty => String::new(),
        }
    }
}

/// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. Text
/// that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is kept as text with a
/// leading apostrophe, so that a name typed into Uplink can never run in the reader's Excel.
fn csv_field(out: &mut String, cell: &Cell) {
    let mut s = cell.text();
    if let Cell::Text(t) = cell
        && t.starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&s);
    }
}

impl Table {
    /// The table as CSV bytes: BOM, header row, one row per line, CRLF.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{feff}");
        let header: Vec<Cell> = self.columns.iter().map(|c| Cell::Text(c.clone())).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                csv_field(&mut out, cell);
            }
            out.push_str("\r\n");
        }
        out.into_bytes()
    }

    /// The table as an XLSX workbook of one sheet.
    pub fn to_xlsx(&self) -> std::io::Result<Vec<u8>> {
        let parts: [(&str, String); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("xl/workbook.xml", workbook(&sheet_name(&self.title))),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
            ("xl/styles.xml", STYLES.to_string()),
            ("xl/worksheets/sheet1.xml", self.sheet()),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(name, options).map_err(std::io::Error::other)?;
            zip.write_all(body.as_bytes())?;
        }
        Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
    }

    fn sheet(&self) -> String {
        let mut x = String::with_capacity(200 + self.rows.len() * self.columns.len() * 40);
        x.push_str(XML_HEAD);
        x.push_str("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
        x.push_str(
            "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" \
                    activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetData>",
        );
        let header: Vec<Cell> = self.columns.iter().map(|c| Cell::Text(c.clone())).collect();
        for (r, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            let _ = write!(x, "<row r=\"{}\">", r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_name(c), r + 1);
                let style = if r == 0 { HEADER } else { 0 };
                let num = |x: &mut String, v: String, s: u32| {
                    let _ = write!(x, "<c r=\"{at}\" s=\"{s}\"><v>{v}</v></c>");
                };
                match cell {
                    Cell::Text(t) => {
                        let _ = write!(
                            x,
                            "<c r=\"{at}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                            xml(t)
                        );
                    }
                    Cell::Int(v) => num(&mut x, v.to_string(), 0),
                    Cell::Fen(f) => num(&mut x, decimal(f.0, 2), YUAN),
                    Cell::Grams(g) => num(&mut x, decimal(g.0, 3), KG),
                    Cell::Bps(b) => num(&mut x, decimal(*b, 4), PERCENT),
                    Cell::Empty => {}
                }
            }
            x.push_str("</row>");
        }
        x.push_str("</sheetData></worksheet>");
        x
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Text for XML content and attributes; characters XML cannot hold are left out.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\t' | '\n' | '\r' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => o.push(c),
        }
    }
    o
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not blank.
fn sheet_name(title: &str) -> String {
    let s: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    let s = s.trim().trim_matches('\'').to_string();
    if s.is_empty() { "Sheet1".to_string() } else { s }
}

// Cell styles, by their index in `cellXfs` below.
const HEADER: u32 = 1;
const YUAN: u32 = 2;
const KG: u32 = 3;
const PERCENT: u32 = 4;

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/styles.xml\" \
ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" \
Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" \
Target=\"xl/workbook.xml\"/></Relationships>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" \
Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" \
Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" \
Target=\"styles.xml\"/></Relationships>";

/// Number formats: 2 is Excel's built-in `0.00`, 10 its `0.00%`; 164 is ours for kg.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.000\"/></numFmts>\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>\
<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"5\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
<xf numFmtId=\"2\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
<xf numFmtId=\"10\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

fn workbook(sheet: &str) -> String {
    format!(
        "{XML_HEAD}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        xml(sheet)
    )
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
