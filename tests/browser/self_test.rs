//! The checks themselves: a page with a known fault of each kind must fail
//! each check, so that a clean run means something.

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};

/// A page that breaks every rule the audit checks. `%23` is `#`.
const FAULTY: &str = "data:text/html;charset=utf-8,<!DOCTYPE html><html lang=\"en\"><head>\
<title>Faulty</title><style>a:focus { outline: none } .wide { width: 600px }</style></head>\
<body><main><h1>Faulty</h1>\
<div class=\"error-summary\" tabindex=\"-1\"><a href=\"%23nowhere\">An error</a></div>\
<input id=\"unlabelled\" name=\"unlabelled\">\
<input type=\"radio\" id=\"loose\" name=\"loose\"><label for=\"loose\">Loose</label>\
<p id=\"twice\">One</p><p id=\"twice\">Two</p>\
<a href=\"/somewhere\">A link that does not show focus</a>\
<img src=\"data:,\">\
<div class=\"wide\">Too wide for a phone</div>\
</main></body></html>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_find_each_kind_of_fault() {
    let browser = Browser::start("http://127.0.0.1:9", JavaScript::On).await;
    let mut audit = Audit::without_screenshots();
    browser.visit(FAULTY).await;
    audit.check_errors(&browser, "faulty").await;
    let problems = audit.take_problems().join("\n");
    for expected in [
        "does not start with \"Error: \"",
        "does not end with the site's name",
        "the error summary does not have focus",
        "goes to #nowhere, which is not on the page",
        "axe label",
        "axe image-alt",
        "<input name=\"unlabelled\" id=\"unlabelled\"> has no label",
        "<input name=\"loose\" id=\"loose\"> is not in a fieldset with a legend",
        "2 elements have the id \"twice\"",
        "\"A link that does not show focus\" looks the same with and without focus",
        "the page scrolls sideways",
    ] {
        assert!(
            problems.contains(expected),
            "{expected:?} not found in:\n{problems}"
        );
    }
    browser.quit().await;
}
