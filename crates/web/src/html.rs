//! The page shell and the one way a [`Said`] becomes HTML.
//!
//! Every page gets the same neutral title and icon, the quick exit (a button at the top, a
//! secondary link for assistive technology, Shift pressed three times with the script), and the
//! shared-device advice link, so no handler can leave them out. Text is always escaped.

use crate::routes::{self, Id};
use closer_guide::ui::ui;
use closer_safety::Said;
use std::fmt::Write;

/// Escapes text for HTML text nodes and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An interface label, escaped.
pub fn label(key: &str) -> String {
    esc(ui(key).text())
}

/// A said text as paragraphs: a blank line starts a paragraph, a single newline breaks a line,
/// and lines that start with "- " are a list. A number after "call " or "Phone: " dials in one
/// tap, and a web address (a directory's, a line's chat or source page) is a link to itself.
pub fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let mut lines: Vec<String> = Vec::new();
        let mut list: Vec<String> = Vec::new();
        let flush_lines = |out: &mut String, lines: &mut Vec<String>| {
            if !lines.is_empty() {
                let _ = write!(out, "<p>{}</p>", lines.join("<br>"));
                lines.clear();
            }
        };
        let flush_list = |out: &mut String, list: &mut Vec<String>| {
            if !list.is_empty() {
                let _ = write!(out, "<ul><li>{}</li></ul>", list.join("</li><li>"));
                list.clear();
            }
        };
        for line in para.lines().map(str::trim) {
            if let Some(item) = line.strip_prefix("- ") {
                flush_lines(&mut out, &mut lines);
                list.push(dial(&addresses(&esc(item))));
            } else {
                flush_list(&mut out, &mut list);
                lines.push(dial(&addresses(&esc(line))));
            }
        }
        flush_lines(&mut out, &mut lines);
        flush_list(&mut out, &mut list);
    }
    out
}

/// Makes each web address in escaped text (`https://…`, `http://…`) a link whose text is the
/// address itself, as it was written: nothing added that names help (the address is what the
/// content says), and `rel="noreferrer"` so the site opened learns nothing of this one (the
/// page's `Referrer-Policy` already sends none). Punctuation that ends the sentence, a closing
/// bracket the address did not open, and an escaped quote stay outside the link.
pub fn addresses(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(i) = ["https://", "http://"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let mut end = tail
            .find(|c: char| c.is_whitespace() || c == '<' || c == '"')
            .unwrap_or(tail.len());
        loop {
            let url = &tail[..end];
            if let Some(q) = ["&quot;", "&#39;", "&gt;", "&lt;"]
                .iter()
                .filter_map(|e| url.find(e))
                .min()
            {
                end = q;
                continue;
            }
            let Some(last) = url.chars().last() else {
                break;
            };
            let unopened = last == ')' && url.matches('(').count() < url.matches(')').count();
            if ".,;:!?".contains(last) || unopened {
                end -= last.len_utf8();
                continue;
            }
            break;
        }
        let url = &tail[..end];
        if url.len() > "https://".len() && !url.ends_with("//") {
            let _ = write!(out, "<a href=\"{url}\" rel=\"noreferrer\">{url}</a>");
        } else {
            out.push_str(url);
        }
        // The scheme's letters are never trimmed, so `end` is past them and the loop moves on.
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Wraps a phone number that follows "call " or "Phone: " in a `tel:` link.
pub fn dial(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    loop {
        let next = ["call ", "Call ", "Phone: "]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return out;
        };
        let start = i + len;
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let mut end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '-' || c == '+'))
            .unwrap_or(tail.len());
        while end > 0 && !tail.as_bytes()[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let number = &tail[..end];
        let digits: String = number
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        let first_ok = number.starts_with(|c: char| c.is_ascii_digit() || c == '+');
        let next_ok = !tail[end..].starts_with(|c: char| c.is_alphanumeric());
        if first_ok && next_ok && digits.len() >= 3 {
            let _ = write!(out, "<a href=\"tel:{digits}\">{number}</a>");
            rest = &tail[end..];
        } else {
            rest = tail;
        }
    }
}

/// A said item as a section: its title as a heading of `level` (when it has one), then its text.
pub fn said(s: &Said, level: u8) -> String {
    let mut out = String::from("<section class=\"said\">");
    if !s.title().is_empty() {
        let _ = write!(out, "<h{level}>{}</h{level}>", esc(s.title()));
    }
    out.push_str(&paragraphs(s.text()));
    out.push_str("</section>");
    out
}

/// A list of said items as bullet points (their text only).
pub fn items(list: &[Said]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul>");
    for s in list {
        let _ = write!(out, "<li>{}</li>", esc(s.text()).replace('\n', "<br>"));
    }
    out.push_str("</ul>");
    out
}

/// The hidden anti-forgery fields every anonymous form carries: the signed, expiring token as
/// `t`, and the same token as `csrf` (every form has a `csrf`; the layer accepts either).
pub fn token_field(token: &str) -> String {
    let t = esc(token);
    format!(
        "<input type=\"hidden\" name=\"t\" value=\"{t}\"><input type=\"hidden\" name=\"csrf\" value=\"{t}\">"
    )
}

/// A whole page around `main` (already HTML).
pub fn page(exit_url: &str, main: &str) -> String {
    shell(exit_url, main, None)
}

/// A page for a signed-in person: the quick exit is a posted form (with the session's `csrf`)
/// that ends the session and opens the neutral site; with the script, a beacon does the same
/// while the page is blanked. `ends_in` seconds from now the script blanks the page.
pub fn signed_in_page(exit_url: &str, csrf: &str, ends_in: i64, main: &str) -> String {
    shell(exit_url, main, Some((csrf, ends_in)))
}

fn shell(exit_url: &str, main: &str, session: Option<(&str, i64)>) -> String {
    let exit = esc(exit_url);
    let exit_label = label("web.exit");
    // Each way out: anonymous, a link to the neutral site; signed in, a posted form (a button
    // styled as the link it replaces) whose answer ends the session on the server and then
    // opens the neutral site, so all three end it without the script too.
    let way_out = |class: &str| match session {
        None => format!(
            "<a class=\"{class}\" href=\"{exit}\" rel=\"nofollow noreferrer\" data-exit>{exit_label}</a>"
        ),
        Some((csrf, _)) => format!(
            "<form method=\"post\" action=\"{out}\" class=\"way-out\" data-exit-form data-exit-to=\"{exit}\">\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<button type=\"submit\" class=\"{class}\">{exit_label}</button></form>",
            out = routes::path(Id::Out),
            csrf = esc(csrf),
        ),
    };
    let exit_top = way_out("exit-button");
    let exit_skip = way_out("skip");
    let exit_foot = way_out("exit-link");
    let main_attrs = match session {
        None => String::new(),
        Some((_, ends_in)) => format!(
            " data-ends-in=\"{ends_in}\" data-ends-to=\"{}\"",
            routes::path(Id::Login)
        ),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title>\
<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\
<link rel=\"stylesheet\" href=\"{css}\">\
<script src=\"{js}\" defer></script></head>\
<body>\
<header class=\"top\">\
{exit_skip}\
<a class=\"skip\" href=\"#main\">{skip}</a>\
<div class=\"bar\">\
<a class=\"home\" href=\"{home}\">{home_label}</a>\
<div class=\"exit\" id=\"quick-exit\">{exit_top}</div>\
</div></header>\
<main id=\"main\" tabindex=\"-1\"{main_attrs}>{main}</main>\
<footer class=\"foot\"><p>{hint}</p>\
<p><a href=\"{device}\">{device_label}</a></p>\
<p>{exit_foot}</p>\
</footer></body></html>\n",
        title = label("web.title"),
        icon = routes::path(Id::Icon),
        css = routes::path(Id::Css),
        js = routes::path(Id::Js),
        skip = label("web.skip"),
        home = routes::path(Id::Home),
        home_label = label("web.home-link"),
        hint = label("web.exit-hint"),
        device = routes::path(Id::Device),
        device_label = label("web.device-link"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(paragraphs("a\nb\n\nc"), "<p>a<br>b</p><p>c</p>");
        assert_eq!(paragraphs("\n\n"), "");
    }

    #[test]
    fn lists_and_numbers() {
        assert_eq!(
            paragraphs("Lines:\n- call 0808 2000 247; day\n- Phone: 1-800-799-7233 (x)"),
            "<p>Lines:</p><ul><li>call <a href=\"tel:08082000247\">0808 2000 247</a>; day</li>\
<li>Phone: <a href=\"tel:18007997233\">1-800-799-7233</a> (x)</li></ul>"
        );
        assert_eq!(
            dial("call 999 (112 also works)"),
            "call <a href=\"tel:999\">999</a> (112 also works)"
        );
        assert_eq!(dial("call us today"), "call us today");
        assert_eq!(dial("call 12 people"), "call 12 people");
        assert_eq!(dial("call 2-1-1x"), "call 2-1-1x");
    }

    #[test]
    fn a_web_address_is_a_link_to_itself_without_a_referrer() {
        assert_eq!(
            addresses("Find A Helpline lists free lines by country: https://findahelpline.com"),
            "Find A Helpline lists free lines by country: <a href=\"https://findahelpline.com\" rel=\"noreferrer\">https://findahelpline.com</a>"
        );
        // Sentence punctuation, an unopened bracket and an escaped quote stay outside; a
        // query's escaped ampersand and a bracket the address opened stay inside.
        assert_eq!(
            addresses("Source: https://a.example/x?y=1&amp;z=2 (page date: 2026-01-01)."),
            "Source: <a href=\"https://a.example/x?y=1&amp;z=2\" rel=\"noreferrer\">https://a.example/x?y=1&amp;z=2</a> (page date: 2026-01-01)."
        );
        assert_eq!(
            addresses("(see http://b.example/w_(x).) and &quot;https://c.example/&quot;"),
            "(see <a href=\"http://b.example/w_(x)\" rel=\"noreferrer\">http://b.example/w_(x)</a>.) and &quot;<a href=\"https://c.example/\" rel=\"noreferrer\">https://c.example/</a>&quot;"
        );
        // No address, or a scheme with nothing after it: unchanged.
        assert_eq!(addresses("call us today"), "call us today");
        assert_eq!(addresses("https:// and http://."), "https:// and http://.");
        // Through the one way a said text becomes HTML, beside a number that dials.
        assert_eq!(
            paragraphs("- Phone: 116 123\n- Online: https://d.example/chat."),
            "<ul><li>Phone: <a href=\"tel:116123\">116 123</a></li><li>Online: <a href=\"https://d.example/chat\" rel=\"noreferrer\">https://d.example/chat</a>.</li></ul>"
        );
    }

    #[test]
    fn every_page_has_the_neutral_title_and_the_quick_exit() {
        let p = page("http://127.0.0.1:9/x?a=1&b=2", "<h1>x</h1>");
        assert!(p.contains(&format!("<title>{}</title>", label("web.title"))));
        assert!(p.contains("id=\"quick-exit\""));
        assert!(
            p.contains("href=\"http://127.0.0.1:9/x?a=1&amp;b=2\" rel=\"nofollow noreferrer\"")
        );
        assert!(!p.contains("style="));
        assert!(!p.contains("<script>"));
    }

    #[test]
    fn every_way_out_of_a_signed_in_page_is_a_posted_form_that_ends_the_session() {
        let p = signed_in_page("http://127.0.0.1:9/away", "tok&en", 900, "<h1>x</h1>");
        // The button at the top, the skip link and the footer link: three forms, each posting
        // the session's csrf to the exit that ends it; no plain link to the neutral site.
        let forms: Vec<&str> = p.split("<form ").skip(1).collect();
        assert_eq!(forms.len(), 3, "{p}");
        for (f, class) in forms.iter().zip(["skip", "exit-button", "exit-link"]) {
            let f = &f[..f.find("</form>").unwrap()];
            assert!(f.starts_with("method=\"post\" action=\"/out\""), "{f}");
            assert!(
                f.contains("data-exit-to=\"http://127.0.0.1:9/away\""),
                "{f}"
            );
            assert!(
                f.contains("<input type=\"hidden\" name=\"csrf\" value=\"tok&amp;en\">"),
                "{f}"
            );
            assert!(
                f.contains(&format!("<button type=\"submit\" class=\"{class}\">")),
                "{f}"
            );
        }
        assert!(!p.contains("href=\"http://127.0.0.1:9/away\""), "{p}");
        // An anonymous page keeps plain links (there is no session to end).
        let a = page("http://127.0.0.1:9/away", "<h1>x</h1>");
        assert_eq!(a.matches("href=\"http://127.0.0.1:9/away\"").count(), 3);
        assert!(!a.contains("<form"));
    }
}
