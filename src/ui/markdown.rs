//! A small Markdown renderer: pulldown-cmark events to wrapped ratatui lines
//! (headings, emphasis, inline code, links, lists, block quotes, code blocks, tables,
//! rules). It wraps text itself so the reader knows how many lines it has to scroll.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Theme;

/// Renders `markdown` into lines at most `width` columns wide (code and tables are
/// clipped rather than wrapped).
pub fn render(markdown: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer { theme, width: width.max(10) as usize, ..Renderer::default_with(theme) };
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for event in parser {
        r.event(event);
    }
    r.flush();
    while r.lines.last().is_some_and(|l| l.width() == 0) {
        r.lines.pop();
    }
    r.lines
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    lines: Vec<Line<'static>>,
    pieces: Vec<(String, Style)>,
    styles: Vec<Style>,
    lists: Vec<Option<u64>>,
    first_prefix: Option<String>,
    quote: usize,
    heading: Option<HeadingLevel>,
    code: Option<Vec<String>>,
    table: Option<Table>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    cell: String,
    header_rows: usize,
    in_head: bool,
}

impl<'t> Renderer<'t> {
    fn default_with(theme: &'t Theme) -> Self {
        Self {
            theme,
            width: 80,
            lines: Vec::new(),
            pieces: Vec::new(),
            styles: Vec::new(),
            lists: Vec::new(),
            first_prefix: None,
            quote: 0,
            heading: None,
            code: None,
            table: None,
        }
    }

    fn style(&self) -> Style {
        self.styles.iter().fold(Style::default(), |acc, s| acc.patch(*s))
    }

    fn indent(&self) -> String {
        let mut prefix = "▌ ".repeat(self.quote);
        prefix.push_str(&"   ".repeat(self.lists.len()));
        prefix
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| l.width() > 0) {
            self.lines.push(Line::default());
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(table) = self.table.as_mut() {
            table.cell.push_str(text);
        } else if let Some(code) = self.code.as_mut() {
            for (i, part) in text.split('\n').enumerate() {
                if i > 0 {
                    code.push(String::new());
                }
                if let Some(last) = code.last_mut() {
                    last.push_str(part);
                } else {
                    code.push(part.to_string());
                }
            }
        } else {
            let style = self.style();
            self.pieces.push((text.to_string(), style));
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                if let Some(table) = self.table.as_mut() {
                    table.cell.push_str(&code);
                } else {
                    self.pieces.push((code.to_string(), self.style().patch(self.theme.code())));
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.blank();
                self.lines.push(Line::styled("─".repeat(self.width.min(60)), self.theme.dim()));
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            // A list item's first paragraph starts on the bullet's line.
            Tag::Paragraph if self.first_prefix.is_none() => {
                self.flush();
                self.blank();
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                self.heading = Some(level);
                self.styles.push(self.theme.heading(level as usize));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.blank();
                self.quote += 1;
                self.styles.push(self.theme.dim().add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.blank();
                self.code = Some(Vec::new());
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let text = format!("{n}. ");
                        *n += 1;
                        text
                    }
                    _ => ["• ", "◦ ", "▪ "][depth % 3].to_string(),
                };
                let mut prefix = "▌ ".repeat(self.quote);
                prefix.push_str(&"   ".repeat(depth));
                prefix.push_str(&format!("{marker:<3}"));
                self.first_prefix = Some(prefix);
            }
            Tag::Emphasis => self.styles.push(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.styles.push(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.styles.push(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { .. } => self.styles.push(self.theme.link()),
            Tag::Table(_) => {
                self.flush();
                self.blank();
                self.table = Some(Table::default());
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.cell.clear();
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = None;
                self.styles.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
                self.styles.pop();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let mut code: Vec<String> = code;
                while code.last().is_some_and(String::is_empty) {
                    code.pop();
                }
                let indent = self.indent();
                for line in code {
                    self.lines.push(Line::from(vec![
                        Span::raw(indent.clone()),
                        Span::styled("│ ", self.theme.dim()),
                        Span::styled(line, self.theme.code()),
                    ]));
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.first_prefix = None;
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                self.styles.pop();
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    let cell = std::mem::take(&mut t.cell);
                    if let Some(row) = t.rows.last_mut() {
                        row.push(cell.trim().to_string());
                    }
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table_lines(&table);
                }
            }
            _ => {}
        }
    }

    fn table_lines(&mut self, table: &Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let width = |s: &str| Span::raw(s).width();
        let widths: Vec<usize> = (0..columns)
            .map(|c| table.rows.iter().filter_map(|r| r.get(c)).map(|s| width(s)).max().unwrap_or(0))
            .collect();
        let indent = self.indent();
        for (i, row) in table.rows.iter().enumerate() {
            let header = i < table.header_rows;
            let mut spans = vec![Span::raw(indent.clone())];
            for (c, w) in widths.iter().enumerate() {
                if c > 0 {
                    spans.push(Span::styled(" │ ", self.theme.dim()));
                }
                let cell = row.get(c).map_or("", String::as_str);
                let padded = format!("{cell}{}", " ".repeat(w.saturating_sub(width(cell))));
                let style = if header { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
                spans.push(Span::styled(padded, style));
            }
            self.lines.push(Line::from(spans));
            if header && i + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.lines.push(Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(rule.join("─┼─"), self.theme.dim()),
                ]));
            }
        }
    }

    /// Wraps the pending inline pieces into lines.
    fn flush(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let continuation = self.indent();
        let first = self.first_prefix.take().unwrap_or_else(|| continuation.clone());
        let mut lines = wrap(&pieces, &first, &continuation, self.width, self.theme.dim());
        self.lines.append(&mut lines);
    }
}

/// Word-wraps styled `pieces` to `width` columns; the first line starts with `first`,
/// the others with `continuation` (both drawn in `prefix_style`).
pub fn wrap(
    pieces: &[(String, Style)],
    first: &str,
    continuation: &str,
    width: usize,
    prefix_style: Style,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = vec![Span::styled(first.to_string(), prefix_style)];
    let mut used = Span::raw(first).width();
    let mut has_words = false;
    let mut space = false;
    // Where the current word began in `line`, and its width so far: pieces that follow
    // without a space (`code` and then a comma) belong to the same word.
    let mut word_start = 1;
    let mut word_width = 0;
    for (text, style) in pieces {
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                space = true;
            }
            if word.is_empty() {
                continue;
            }
            let w = Span::raw(word).width();
            let glued = has_words && !space;
            if !glued {
                let gap = usize::from(has_words);
                if has_words && used + gap + w > width {
                    lines.push(Line::from(std::mem::take(&mut line)));
                    line.push(Span::styled(continuation.to_string(), prefix_style));
                    used = Span::raw(continuation).width();
                } else if gap == 1 {
                    line.push(Span::raw(" "));
                    used += 1;
                }
                word_start = line.len();
                word_width = 0;
            } else if used + w > width && word_start > 1 {
                // Move the whole glued word to a new line.
                let tail = line.split_off(word_start);
                if line.last().is_some_and(|s| s.content == " ") {
                    line.pop();
                }
                lines.push(Line::from(std::mem::take(&mut line)));
                line.push(Span::styled(continuation.to_string(), prefix_style));
                line.extend(tail);
                used = Span::raw(continuation).width() + word_width;
                word_start = 1;
            }
            line.push(Span::styled(word.to_string(), *style));
            used += w;
            word_width += w;
            has_words = true;
            space = false;
        }
    }
    if has_words {
        lines.push(Line::from(line));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect()
    }

    #[test]
    fn renders_blocks_and_wraps() {
        let theme = Theme::plain();
        let md = "# Title\n\nSome **bold** and *soft* words that wrap here.\n\n- one\n- two\n\n```\ncode line\n```\n\n| a | bb |\n|---|---|\n| 1 | 2 |\n";
        let text = plain(&render(md, 20, &theme));
        assert_eq!(
            text,
            vec![
                "Title",
                "",
                "Some bold and soft",
                "words that wrap",
                "here.",
                "",
                "•  one",
                "•  two",
                "",
                "│ code line",
                "",
                "a │ bb",
                "──┼───",
                "1 │ 2 ",
            ]
        );
    }

    #[test]
    fn punctuation_after_code_wraps_with_its_word() {
        let theme = Theme::plain();
        let text = plain(&render("aaaa bbbb (`cc`, dd", 13, &theme));
        assert_eq!(text, vec!["aaaa bbbb", "(cc, dd"]);
    }

    #[test]
    fn ordered_lists_count() {
        let theme = Theme::plain();
        let text = plain(&render("1. first\n2. second\n", 40, &theme));
        assert_eq!(text, vec!["1. first", "2. second"]);
    }
}
