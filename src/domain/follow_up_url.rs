/// A link to something a person shared: a blog post, a post on a social
/// network, any public web page. Only `http` and `https`; no credentials; no
/// control characters; at most 2,000 characters. Kept in the normalised form
/// the `url` crate writes (lower-case host, no default port, escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpUrl(url::Url);

pub const URL_MAX: usize = 2000;

impl FollowUpUrl {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("Enter a link");
        }
        if text.chars().count() > URL_MAX {
            return Err("The link must be 2,000 characters or fewer");
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("The link must not contain spaces or special characters");
        }
        let url = url::Url::parse(text)
            .or_else(|_| url::Url::parse(&format!("https://{text}")).map_err(|_| ()))
            .map_err(|()| {
                "Enter a link in the correct format, like https://www.example.org/my-post"
            })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("The link must start with http:// or https://");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("The link must not contain a user name or password");
        }
        let host = url.host_str().unwrap_or_default();
        if host.is_empty() || !host.contains('.') {
            return Err("Enter a link in the correct format, like https://www.example.org/my-post");
        }
        if url.as_str().chars().count() > URL_MAX {
            return Err("The link must be 2,000 characters or fewer");
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// How the link is shown: its host and path, without the scheme.
    pub fn display(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        let host = host.strip_prefix("www.").unwrap_or(host);
        let path = self.0.path();
        if path == "/" {
            host.to_owned()
        } else {
            format!("{host}{path}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FollowUpUrl;

    #[test]
    fn accepts_and_normalises_web_links() {
        let u = FollowUpUrl::parse(" HTTPS://Blog.Example.ORG:443/posts/what-i-learned?ref=um ")
            .unwrap();
        assert_eq!(
            u.as_str(),
            "https://blog.example.org/posts/what-i-learned?ref=um"
        );
        assert_eq!(u.display(), "blog.example.org/posts/what-i-learned");
        let bare = FollowUpUrl::parse("www.example.org/note").unwrap();
        assert_eq!(bare.as_str(), "https://www.example.org/note");
        assert_eq!(bare.display(), "example.org/note");
        assert!(FollowUpUrl::parse("http://social.example/@jo/1234").is_ok());
    }

    #[test]
    fn refuses_anything_that_is_not_a_public_web_link() {
        for bad in [
            "",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "ftp://example.org/file",
            "https://user:secret@example.org/",
            "https://user@example.org/",
            "https://exa mple.org/",
            "https://example.org/\u{0}",
            "https://localhost/",
            "mailto:jo@example.org",
            "not a link",
        ] {
            assert!(FollowUpUrl::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://example.org/{}", "a".repeat(2000));
        assert!(FollowUpUrl::parse(&long).unwrap_err().contains("2,000"));
    }
}
