//! Text layouts that aws-sso-cli users and their scripts depend on: the `gotable`-style table
//! (columns joined by ` | `, a `=` rule under the header) and Go `encoding/csv` records. Widths
//! are measured in terminal columns, so wide and non-ASCII names still line up. Table cells
//! are shown through [`crate::display::escape`]: a table is read by a person.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use crate::display::escape;

/// Write a table: header row, a rule of `=` as wide as the header line, then the rows. Every
/// cell is left-aligned and padded to its column's widest value or header. `rows` is walked
/// twice (widths, then output), so a lazily computed listing never has to be held whole.
pub fn write_table<R, C, S>(out: &mut dyn Write, headers: &[&str], rows: R) -> io::Result<()>
where
    R: IntoIterator<Item = C> + Clone,
    C: AsRef<[S]>,
    S: AsRef<str>,
{
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows.clone() {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(escape(cell.as_ref()).width());
        }
    }
    let mut line = String::new();
    layout_line(&mut line, headers, &widths);
    let rule = "=".repeat(line.trim_end_matches('\n').width());
    line.push_str(&rule);
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for row in rows {
        line.clear();
        layout_line(&mut line, row.as_ref(), &widths);
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Append one table line (with its `\n`) to `line`.
fn layout_line<S: AsRef<str>>(line: &mut String, cells: &[S], widths: &[usize]) {
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str(" | ");
        }
        let cell = escape(cell.as_ref());
        line.push_str(&cell);
        line.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width())));
    }
    line.push('\n');
}

/// Write one CSV record the way Go's `encoding/csv` does (comma separator, `\n` line end).
pub fn write_csv_record<S: AsRef<str>>(out: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let field = field.as_ref();
        if csv_needs_quotes(field) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// Go's rule: quote fields holding the separator, a quote, CR or LF, fields that start with
/// white space, and the special field `\.`.
fn csv_needs_quotes(field: &str) -> bool {
    if field.is_empty() {
        return false;
    }
    if field == r"\." || field.contains([',', '"', '\r', '\n']) {
        return true;
    }
    field.chars().next().is_some_and(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str], rows: &[Vec<&str>]) -> String {
        let mut out = Vec::new();
        write_table(&mut out, headers, rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table_pads_every_column_and_rules_the_header() {
        let t = table(&["Id", "Name"], &[vec!["0", "alpha"], vec!["10", "b"]]);
        assert_eq!(t, "Id | Name \n==========\n0  | alpha\n10 | b    \n");
    }

    #[test]
    fn table_cells_show_control_characters_escaped_and_aligned() {
        let t = table(&["A", "B"], &[vec!["x\x1b[2J\r", "y"], vec!["ab", "\x07"]]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "A          | B   ");
        assert_eq!(lines[1], "=".repeat(17));
        assert_eq!(lines[2], r"x\x1b[2J\r | y   ");
        assert_eq!(lines[3], r"ab         | \x07");
        assert!(!t.contains(['\x1b', '\r', '\x07']));
    }

    #[test]
    fn table_aligns_wide_characters_by_display_width() {
        let t = table(&["A", "B"], &[vec!["日本", "x"], vec!["ab", "y"]]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2], "日本 | x");
        assert_eq!(lines[3], "ab   | y");
        assert_eq!(lines[2].width(), lines[3].width());
    }

    #[test]
    fn csv_quotes_like_go() {
        let mut out = Vec::new();
        write_csv_record(
            &mut out,
            &[
                "plain",
                "a,b",
                "say \"hi\"",
                " lead",
                "",
                r"\.",
                "multi\nline",
                "x y",
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\" lead\",,\"\\.\",\"multi\nline\",x y\n"
        );
    }
}
