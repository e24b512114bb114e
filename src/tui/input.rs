//! The query line: a single-line editor over chars with the readline motions people expect
//! (Ctrl-A/E/U/W, Alt-B/F). Pure: no terminal, so every edit is unit-tested.

/// The query text and a cursor counted in chars (never splits a UTF-8 sequence).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in chars.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn byte_at(&self, char_pos: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_pos)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn insert(&mut self, c: char) {
        // Control characters would corrupt the drawn line (and a pasted newline means nothing
        // in a one-line query), so they become spaces.
        let c = if c.is_control() { ' ' } else { c };
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.trim_end_matches(['\r', '\n']).chars() {
            self.insert(c);
        }
    }

    pub fn set(&mut self, text: &str) {
        *self = LineInput::new(text);
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn start(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    pub fn delete_back(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let from = self.byte_at(self.cursor - 1);
        let to = self.byte_at(self.cursor);
        self.text.replace_range(from..to, "");
        self.cursor -= 1;
    }

    pub fn delete_forward(&mut self) {
        if self.cursor >= self.len() {
            return;
        }
        let from = self.byte_at(self.cursor);
        let to = self.byte_at(self.cursor + 1);
        self.text.replace_range(from..to, "");
    }

    /// The char position where the word before the cursor starts (readline's `unix-word-rubout`
    /// stops at whitespace only, so `env:prod` goes in one Ctrl-W).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn word_end(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    pub fn delete_word(&mut self) {
        let start = self.word_start();
        let from = self.byte_at(start);
        let to = self.byte_at(self.cursor);
        self.text.replace_range(from..to, "");
        self.cursor = start;
    }

    pub fn delete_to_start(&mut self) {
        let to = self.byte_at(self.cursor);
        self.text.replace_range(..to, "");
        self.cursor = 0;
    }

    pub fn word_left(&mut self) {
        self.cursor = self.word_start();
    }

    pub fn word_right(&mut self) {
        self.cursor = self.word_end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserting_and_deleting_respects_multibyte_chars() {
        let mut l = LineInput::new("prød");
        l.left();
        l.delete_back();
        assert_eq!((l.text(), l.cursor()), ("prd", 2));
        l.insert('é');
        assert_eq!((l.text(), l.cursor()), ("préd", 3));
        l.delete_forward();
        assert_eq!(l.text(), "pré");
        l.delete_forward();
        assert_eq!(l.text(), "pré");
    }

    #[test]
    fn word_motions_stop_at_whitespace_only() {
        let mut l = LineInput::new("env:prod  admin");
        l.delete_word();
        assert_eq!((l.text(), l.cursor()), ("env:prod  ", 10));
        l.delete_word();
        assert_eq!((l.text(), l.cursor()), ("", 0));
        let mut l = LineInput::new("a bc def");
        l.word_left();
        assert_eq!(l.cursor(), 5);
        l.word_left();
        assert_eq!(l.cursor(), 2);
        l.word_right();
        assert_eq!(l.cursor(), 4);
        l.start();
        l.word_right();
        assert_eq!(l.cursor(), 1);
    }

    #[test]
    fn ctrl_u_keeps_text_after_the_cursor_and_paste_drops_control_chars() {
        let mut l = LineInput::new("abc def");
        l.left();
        l.left();
        l.delete_to_start();
        assert_eq!((l.text(), l.cursor()), ("ef", 0));
        l.end();
        l.insert_str("x\ty\n");
        assert_eq!(l.text(), "efx y");
    }
}
