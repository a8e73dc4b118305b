use super::*;
use std::io::Read;

fn table() -> Table {
    Table {
        title: "上行与下行成交额 / GMV [by month]".into(),
        columns: vec!["乡镇, 村".into(), "上行成交额 (¥)".into(), "重量 (kg)".into(), "上行占比".into(), "订单".into()],
        rows: vec![
            vec![
                "大营镇".into(),
                Cell::Fen(Fen(1_234_550)),
                Cell::Grams(Grams(1_250)),
                Cell::Bps(1_234),
                Cell::Int(42),
            ],
            vec![
                "He said \"fresh\", twice".into(),
                Cell::Fen(Fen(-5)),
                Cell::Grams(Grams(7)),
                Cell::Bps(0),
                Cell::Int(-3),
            ],
            vec!["两行\n文字".into(), Cell::Fen(Fen(0)), Cell::Grams(Grams(0)), Cell::Empty, Cell::Int(0)],
            vec!["=1+1".into(), Cell::Fen(Fen(100)), Cell::Grams(Grams(1_000_000)), Cell::Bps(10_000), Cell::Int(1)],
        ],
    }
}

/// A small RFC 4180 reader, to check the writer against the standard rather than itself.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, s.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "records end with CRLF"),
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the last record ends with CRLF");
    rows
}

#[test]
fn csv_quotes_commas_quotes_and_newlines_and_keeps_chinese() {
    let bytes = table().to_csv();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with BOM, for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let rows = parse_csv(text);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0], ["乡镇, 村", "上行成交额 (¥)", "重量 (kg)", "上行占比", "订单"]);
    assert_eq!(rows[1], ["大营镇", "12345.50", "1.250", "12.34%", "42"]);
    assert_eq!(rows[2], ["He said \"fresh\", twice", "-0.05", "0.007", "0.00%", "-3"]);
    assert_eq!(rows[3], ["两行\n文字", "0.00", "0.000", "", "0"]);
    assert_eq!(rows[4], ["'=1+1", "1.00", "1000.000", "100.00%", "1"], "a formula stays text");
    assert!(text.starts_with("\"乡镇, 村\","), "a field with a comma is quoted");
    assert!(text.contains("\"He said \"\"fresh\"\", twice\""), "quotes are doubled");
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().expect("an entry name").to_string(), s)
        })
        .collect()
}

/// The cells of a sheet as (reference, style, type, value).
fn cells(sheet: &str) -> Vec<(String, String, String, String)> {
    sheet
        .split("<c ")
        .skip(1)
        .map(|c| {
            let attr = |name: &str| {
                c.find(&format!("{name}=\""))
                    .map(|i| {
                        let v = &c[i + name.len() + 2..];
                        v[..v.find('"').unwrap()].to_string()
                    })
                    .unwrap_or_default()
            };
            let value = match (c.find("<v>"), c.find("<t xml:space=\"preserve\">")) {
                (Some(i), _) => c[i + 3..c.find("</v>").unwrap()].to_string(),
                (None, Some(i)) => c[i + 24..c.find("</t>").unwrap()].to_string(),
                _ => String::new(),
            };
            (attr("r"), attr("s"), attr("t"), value)
        })
        .collect()
}

#[test]
fn xlsx_opens_and_holds_the_numbers_as_numeric_cells() {
    let parts = unzip(&table().to_xlsx().unwrap());
    for p in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"] {
        assert!(parts.contains_key(p), "{p} missing");
    }
    assert!(
        parts["xl/workbook.xml"].contains("name=\"上行与下行成交额  GMV by month\""),
        "{}",
        parts["xl/workbook.xml"]
    );
    let c = cells(&parts["xl/worksheets/sheet1.xml"]);
    let at = |r: &str| c.iter().find(|x| x.0 == r).cloned().unwrap_or_else(|| panic!("no cell {r}"));
    assert_eq!(at("A1"), ("A1".into(), "1".into(), "inlineStr".into(), "乡镇, 村".into()));
    assert_eq!(at("A2").3, "大营镇");
    // Numbers are numeric cells (no type attribute) with the format of their kind.
    assert_eq!(at("B2"), ("B2".into(), YUAN.to_string(), String::new(), "12345.50".into()));
    assert_eq!(at("C2"), ("C2".into(), KG.to_string(), String::new(), "1.250".into()));
    assert_eq!(at("D2"), ("D2".into(), PERCENT.to_string(), String::new(), "0.1234".into()));
    assert_eq!(at("E2"), ("E2".into(), "0".into(), String::new(), "42".into()));
    assert_eq!(at("B3").3, "-0.05");
    assert_eq!(at("A3").3, "He said &quot;fresh&quot;, twice");
    assert_eq!(at("A4").3, "两行\n文字");
    assert!(c.iter().all(|x| x.0 != "D4"), "an empty cell is left out");
    assert_eq!(at("D5").3, "1.0000");
    assert_eq!(at("A5").3, "=1+1", "in XLSX a formula-looking text is a plain string cell");
    assert_eq!(c.len(), 5 * 5 - 1);
}

#[test]
fn columns_past_z_and_odd_titles_are_named_as_excel_expects() {
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(27 * 26), "AAA");
    assert_eq!(sheet_name("[]"), "Sheet1");
    assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    assert_eq!(xml("a\u{1}b<"), "ab&lt;");
    assert_eq!(decimal(i64::MIN, 2), "-92233720368547758.08");
    let empty = Table { title: "空".into(), columns: vec!["x".into()], rows: vec![] };
    assert_eq!(parse_csv(std::str::from_utf8(&empty.to_csv()[3..]).unwrap()), vec![vec!["x".to_string()]]);
    assert_eq!(cells(&unzip(&empty.to_xlsx().unwrap())["xl/worksheets/sheet1.xml"]).len(), 1);
}
