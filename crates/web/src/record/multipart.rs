//! A small reader of `multipart/form-data` bodies (RFC 7578), for the one form that sends a file
//! (the import). Text fields and file contents alike come back as UTF-8 text by name; anything
//! else is refused, never a panic.

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 200).then(|| v.to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The `name` parameter of a part's `Content-Disposition: form-data; name="…"` header.
fn part_name(headers: &str) -> Option<String> {
    for line in headers.split("\r\n") {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        if !k.trim().eq_ignore_ascii_case("content-disposition") {
            continue;
        }
        for p in v.split(';').skip(1) {
            if let Some((pk, pv)) = p.trim().split_once('=')
                && pk.trim().eq_ignore_ascii_case("name")
            {
                return Some(pv.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The fields of a body, by name, in order. `None` when it is not a well-formed multipart body
/// of text.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<(String, String)>> {
    let delim = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let mut at = find(body, delim.as_bytes(), 0)? + delim.len();
    let mut out = Vec::new();
    loop {
        // After a delimiter: "--" ends the body, "\r\n" starts a part.
        if body[at..].starts_with(b"--") {
            return Some(out);
        }
        if !body[at..].starts_with(b"\r\n") {
            return None;
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(&body[at..head_end]).ok()?;
        let start = head_end + 4;
        let end = find(body, next.as_bytes(), start)?;
        let value = std::str::from_utf8(&body[start..end]).ok()?;
        out.push((part_name(headers)?, value.to_string()));
        at = end + next.len();
        if out.len() > 16 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_fields_and_a_file() {
        let ct = "multipart/form-data; boundary=----x1";
        let b = boundary(ct).unwrap();
        assert_eq!(b, "----x1");
        let body = "------x1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
------x1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.json\"\r\n\
Content-Type: application/json\r\n\r\n{\"a\":\r\n1}\r\n------x1--\r\n";
        let f = parse(body.as_bytes(), &b).unwrap();
        assert_eq!(
            f,
            vec![
                ("csrf".to_string(), "abc".to_string()),
                ("file".to_string(), "{\"a\":\r\n1}".to_string())
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_multipart_text_without_panicking() {
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        for body in [
            &b""[..],
            b"--b",
            b"--b\r\n",
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end",
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\xff\xfe\r\n--b--",
            b"--b\r\nX: y\r\n\r\nv\r\n--b--",
        ] {
            assert_eq!(parse(body, "b"), None, "{body:?}");
        }
        assert_eq!(parse(b"--b--", "b"), Some(vec![]));
    }
}
