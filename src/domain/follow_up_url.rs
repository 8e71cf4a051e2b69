use super::public_host::is_public;

/// A link to something a person shared: a blog post, a post on a social
/// network, any public web page. Only `http` and `https`; no credentials; no
/// control characters; a public host (see [`super::public_host`]); at most
/// 2,000 characters. Kept in the normalised form the `url` crate writes
/// (lower-case host, no default port, escaped, IPv4 in dotted decimal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpUrl(url::Url);

pub const URL_MAX: usize = 2000;

const BAD_FORMAT: &str = "Enter a link in the correct format, like https://www.example.org/my-post";
const NOT_PUBLIC: &str =
    "Enter a link to a public web page, not to a private, local or internal address";

impl FollowUpUrl {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("Enter a link");
        }
        if text.chars().count() > URL_MAX {
            return Err("The link must be 2,000 characters or fewer");
        }
        if text.contains(char::REPLACEMENT_CHARACTER) {
            return Err("The link must not contain characters we cannot read");
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("The link must not contain spaces or special characters");
        }
        let url = url::Url::parse(text)
            .or_else(|_| url::Url::parse(&format!("https://{text}")).map_err(|_| ()))
            .map_err(|()| BAD_FORMAT)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("The link must start with http:// or https://");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("The link must not contain a user name or password");
        }
        let Some(host) = url.host() else {
            return Err(BAD_FORMAT);
        };
        if matches!(host, url::Host::Domain(name) if !name.contains('.')) {
            return Err(BAD_FORMAT);
        }
        if !is_public(&host) {
            return Err(NOT_PUBLIC);
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
        assert!(FollowUpUrl::parse("https://example.org/\u{FFFD}")
            .unwrap_err()
            .contains("cannot read"));
        let long = format!("https://example.org/{}", "a".repeat(2000));
        assert!(FollowUpUrl::parse(&long).unwrap_err().contains("2,000"));
    }

    #[test]
    fn links_to_private_or_local_addresses_are_refused() {
        for bad in [
            "http://127.0.0.1/",
            "http://10.0.0.1/",
            "http://192.168.1.1/cgi-bin/reboot",
            "http://169.254.169.254/latest/",
            "http://172.16.5.4/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://255.255.255.255/",
            "http://192.0.2.1/",
            "http://224.0.0.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[2001:db8::1]/",
            "http://[ff02::1]/",
            // Forms the url crate turns into 127.0.0.1.
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "127.0.0.1/admin",
            "https://localhost./",
            "https://app.localhost/",
            "http://printer.local/",
            "http://db.internal/",
        ] {
            let problem = FollowUpUrl::parse(bad).unwrap_err();
            assert!(problem.contains("public web page"), "{bad}: {problem}");
        }
        for single_label in ["https://localhost/", "http://intranet/", "http://router/x"] {
            let problem = FollowUpUrl::parse(single_label).unwrap_err();
            assert!(
                problem.contains("correct format"),
                "{single_label}: {problem}"
            );
        }
    }

    #[test]
    fn links_to_public_addresses_are_kept() {
        for (given, kept) in [
            (
                "https://blog.example.org/post",
                "https://blog.example.org/post",
            ),
            ("http://93.184.216.34/page", "http://93.184.216.34/page"),
            ("http://[2606:4700::1111]/", "http://[2606:4700::1111]/"),
            ("https://xn--e1a.org/", "https://xn--e1a.org/"),
            ("https://ｅｘａｍｐｌｅ.org/x", "https://example.org/x"),
            (
                "https://localhost.example.org/",
                "https://localhost.example.org/",
            ),
        ] {
            assert_eq!(FollowUpUrl::parse(given).unwrap().as_str(), kept, "{given}");
        }
    }
}
