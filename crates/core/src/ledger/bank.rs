//! Bank statements as the county's bank exports them: CSV lines of `date,amount,reference,payer`
//! (amounts in yuan as typed, quoted when they carry thousands commas: `"1,250.50"`). Reading a
//! statement is all or nothing: every bad line is named by its number, so the operator can fix
//! the file and import it again; nothing is half-imported.

use crate::money::Fen;
use crate::validation::{FieldError, Invalid};

/// One line of a statement, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLine {
    /// 1-based line number in the file, for messages.
    pub line: usize,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Money received (negative for money paid out of the account).
    pub amount: Fen,
    /// The payment reference as normalised by [`normalize_reference`].
    pub reference: String,
    pub payer: String,
}

impl BankLine {
    /// What identifies this line across imports: the same statement imported twice, or two
    /// overlapping exports, yield the same keys, so a receipt is never matched twice.
    pub fn key(&self) -> String {
        format!("{}|{}|{}|{}", self.date, self.amount.0, self.reference, self.payer)
    }
}

/// A reference as a payer may have typed it (`tu-7k3m 9qx2`) compared as issued (`TU7K3M9QX2`).
pub fn normalize_reference(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// The longest reference a line may carry; banks allow about this much.
pub const REFERENCE_MAX: usize = 64;
/// At most this many bad lines are listed; a file that bad is the wrong file.
const MAX_ERRORS: usize = 20;

/// Reads a whole statement. A first line starting with `date` is a header and skipped; blank
/// lines are skipped. Bad lines are reported under the field `csv`, each with its `line`.
pub fn parse_statement(text: &str) -> Result<Vec<BankLine>, Invalid> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fields = match split_csv(raw) {
            Some(f) => f,
            None => {
                errors.push(FieldError::new("csv", "statement-line-quote").arg("line", n));
                continue;
            }
        };
        if lines.is_empty() && errors.is_empty() && fields[0].trim().eq_ignore_ascii_case("date") {
            continue;
        }
        match parse_line(n, &fields) {
            Ok(l) => lines.push(l),
            Err(e) => errors.push(e),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() { Ok(lines) } else { Err(Invalid(errors)) }
}

fn parse_line(n: usize, f: &[String]) -> Result<BankLine, FieldError> {
    let [date, amount, reference, payer] = f else {
        return Err(FieldError::new("csv", "statement-line-columns").arg("line", n).arg("found", f.len()));
    };
    let date = date.trim();
    crate::time::parse_date(date)
        .map_err(|_| FieldError::new("csv", "statement-line-date").arg("line", n).arg("input", date))?;
    let amount = Fen::parse_yuan(amount)
        .map_err(|_| FieldError::new("csv", "statement-line-amount").arg("line", n).arg("input", amount.trim()))?;
    let reference = normalize_reference(reference);
    if reference.is_empty() || reference.chars().count() > REFERENCE_MAX {
        return Err(FieldError::new("csv", "statement-line-reference").arg("line", n).arg("max", REFERENCE_MAX));
    }
    Ok(BankLine { line: n, date: date.to_string(), amount, reference, payer: payer.trim().to_string() })
}

/// Splits one CSV line (RFC 4180 quoting, `""` for a quote inside quotes). `None` when a quote
/// is left open: a field spanning lines is not something a bank statement has.
fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(cur);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_with_a_header_quotes_and_thousands_reads_whole() {
        let csv = "date,amount,reference,payer\r\n2026-08-03,\"1,250.50\",tu-7k3m 9qx2,张三\n\n2026-08-04,-20,FEE,\"Bank, fees\"\n";
        let lines = parse_statement(csv).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].amount, Fen(125_050));
        assert_eq!(lines[0].reference, "TU7K3M9QX2");
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[1].payer, "Bank, fees");
        assert_eq!(lines[1].amount, Fen(-2_000));
        assert_eq!(lines[0].key(), "2026-08-03|125050|TU7K3M9QX2|张三");
    }

    #[test]
    fn every_bad_line_is_named_by_its_number() {
        let csv = "2026-08-03,12.00,A1,x\n2026-13-01,12.00,A2,x\n2026-08-03,12.001,A3,x\n2026-08-03,12\n\
                   2026-08-03,5,,x\n2026-08-03,\"5,x,y\n";
        let e = parse_statement(csv).unwrap_err().0;
        let got: Vec<(&str, String)> =
            e.iter().map(|f| (f.code, f.args.iter().find(|a| a.0 == "line").unwrap().1.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("statement-line-date", "2".into()),
                ("statement-line-amount", "3".into()),
                ("statement-line-columns", "4".into()),
                ("statement-line-reference", "5".into()),
                ("statement-line-quote", "6".into()),
            ]
        );
        assert!(e.iter().all(|f| f.field == "csv"));
    }

    #[test]
    fn an_empty_statement_or_only_a_header_has_no_lines() {
        assert!(parse_statement("").unwrap().is_empty());
        assert!(parse_statement("date,amount,reference,payer\n").unwrap().is_empty());
    }
}
