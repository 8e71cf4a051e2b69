//! The checks run on every page: axe-core (WCAG 2.0, 2.1 and 2.2, A and AA),
//! a label for every form control, a visible focus on everything a keyboard
//! reaches, no horizontal scrolling at 320 CSS pixels (400% zoom), and
//! screenshots at desktop and mobile widths. Problems are
//! collected page by page and reported together by [`Audit::finish`].

use std::path::PathBuf;

use serde_json::json;

use crate::driver::{screenshot_dir, Browser, Viewport, DESKTOP, MOBILE};

/// The axe-core rule tags the suite runs: WCAG 2.2 AA, and everything below it.
pub const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe-core as installed by `npm ci` in tests/browser (or `AXE_CORE_JS`).
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "could not read axe-core from {} ({e}): run `npm ci` in tests/browser, or `bash tests/browser/run`",
            path.display()
        )
    })
}

/// Runs axe and returns one line (and its nodes) per violation.
const RUN_AXE: &str = r#"
const tags = arguments[0];
return axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then(results => results.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>` +
    v.nodes.map(n => `\n      ${n.target.join(' ')}: ${n.failureSummary.replace(/\n\s*/g, ' ')}`).join('')));
"#;

/// Every visible form control must have a label with text; radio buttons
/// (and checkboxes that share a name) must be grouped in a fieldset with a
/// legend; aria-describedby must point at elements that exist; ids must be
/// unique (a label's `for` finds only the first element with its id).
const CHECK_LABELS: &str = r#"
const problems = [];
const describe = el => `<${el.tagName.toLowerCase()} name="${el.name}" id="${el.id}">`;
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
  const labels = Array.from(el.labels || []).filter(l => l.textContent.trim() !== '');
  if (labels.length === 0) problems.push(`${describe(el)} has no label`);
  const grouped = el.type === 'radio' ||
    (el.type === 'checkbox' &&
     (el.form || document).querySelectorAll(`input[type="checkbox"][name="${el.name}"]`).length > 1);
  if (grouped) {
    const fieldset = el.closest('fieldset');
    const legend = fieldset && fieldset.querySelector('legend');
    if (!legend || legend.textContent.trim() === '') {
      problems.push(`${describe(el)} is not in a fieldset with a legend`);
    }
  }
}
for (const el of document.querySelectorAll('[aria-describedby]')) {
  for (const id of el.getAttribute('aria-describedby').split(/\s+/)) {
    if (id && !document.getElementById(id)) {
      problems.push(`${describe(el)} is described by #${id}, which is missing`);
    }
  }
}
const ids = new Map();
for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
for (const [id, count] of ids) {
  if (count > 1) problems.push(`${count} elements have the id "${id}": labels and links find only the first`);
}
return problems;
"#;

/// The page's width against the viewport's, and what sticks out.
const CHECK_REFLOW: &str = r#"
const root = document.documentElement;
const wide = [];
if (root.scrollWidth > root.clientWidth) {
  const scrolls = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  for (const el of document.body.querySelectorAll('*')) {
    // What is inside a box that scrolls by itself (a wide table) does not
    // widen the page, unless it is positioned outside the box's reach.
    let inner = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { inner = true; break; }
    }
    const positioned = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    if (inner && !positioned) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > root.clientWidth + 0.5) {
      wide.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)}px`);
    }
  }
}
return { client: root.clientWidth, scroll: root.scrollWidth, wide: wide.slice(0, 8) };
"#;

/// Every element a keyboard user can reach must take focus and look
/// different when it has it (WCAG 2.4.7), which axe does not check. Focus is
/// put back where it was afterwards.
const CHECK_FOCUS: &str = r#"
const problems = [];
const before = document.activeElement;
const describe = el => `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}> "${(el.textContent || el.name || '').trim().slice(0, 40)}"`;
const look = el => {
  const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
          s.color, s.borderColor, s.textDecorationLine, s.position].join('|');
};
const reachable = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';
for (const el of document.querySelectorAll(reachable)) {
  if (el.disabled || el.getClientRects().length === 0) continue;
  if (document.activeElement) document.activeElement.blur();
  const plain = look(el);
  el.focus({ preventScroll: true });
  if (document.activeElement !== el) { problems.push(`${describe(el)} cannot take focus`); continue; }
  if (look(el) === plain) problems.push(`${describe(el)} looks the same with and without focus`);
}
if (document.activeElement) document.activeElement.blur();
if (before && before !== document.body) before.focus({ preventScroll: true });
return problems;
"#;

/// The state of a page showing form errors.
const CHECK_ERRORS: &str = r#"
const summary = document.querySelector('.error-summary');
if (!summary) return { summary: false };
const active = document.activeElement;
return {
  summary: true,
  focused: active === summary,
  active: active ? `<${active.tagName.toLowerCase()} id="${active.id}" class="${active.className}">` : 'nothing',
  links: Array.from(summary.querySelectorAll('a')).map(a => {
    const id = decodeURIComponent((a.getAttribute('href') || '').replace(/^#/, ''));
    return { text: a.textContent.trim(), target: id, exists: !!document.getElementById(id) };
  }),
};
"#;

pub struct Audit {
    axe: String,
    screenshots: bool,
    /// Every page checked, in order.
    pub pages: Vec<String>,
    problems: Vec<String>,
}

impl Audit {
    pub fn new() -> Self {
        Self {
            axe: axe_source(),
            screenshots: true,
            pages: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The same checks, without saving screenshots: for pages that are
    /// not the site's.
    pub fn without_screenshots() -> Self {
        let mut audit = Self::new();
        audit.screenshots = false;
        audit
    }

    /// The problems found so far, taken out of the audit.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }

    fn problem(&mut self, page: &str, text: String) {
        self.problems.push(format!("{page}: {text}"));
    }

    /// Runs every check on the page open in `browser`, at desktop and at
    /// 320 CSS pixels, and saves a screenshot at each width as
    /// `target/screenshots/{name}-desktop.png` and `-mobile.png`.
    pub async fn check(&mut self, browser: &Browser, name: &str) {
        assert!(
            !self.pages.iter().any(|p| p == name),
            "two pages are called {name}"
        );
        self.pages.push(name.to_owned());
        let title = browser.title().await;
        if !title.ends_with(" – UnMentoring") {
            self.problem(
                name,
                format!("the title {title:?} does not end with the site's name"),
            );
        }
        for viewport in [DESKTOP, MOBILE] {
            browser.set_viewport(viewport).await;
            self.axe(browser, name, viewport).await;
            if viewport.name == DESKTOP.name {
                self.list(browser, name, CHECK_LABELS).await;
                self.list(browser, name, CHECK_FOCUS).await;
            } else {
                self.reflow(browser, name, viewport).await;
            }
            if self.screenshots {
                self.screenshot(browser, name, viewport).await;
            }
        }
        browser.set_viewport(DESKTOP).await;
    }

    /// [`Audit::check`] for a form shown again with errors: the title starts
    /// "Error:", the error summary has focus and each of its links goes to
    /// a field on the page.
    pub async fn check_errors(&mut self, browser: &Browser, name: &str) {
        let title = browser.title().await;
        if !title.starts_with("Error: ") {
            self.problem(
                name,
                format!("the title {title:?} does not start with \"Error: \""),
            );
        }
        let state = browser.script(CHECK_ERRORS, vec![]).await;
        if state["summary"] != json!(true) {
            self.problem(name, "there is no error summary".into());
        } else {
            if state["focused"] != json!(true) {
                self.problem(
                    name,
                    format!(
                        "the error summary does not have focus: {} has",
                        state["active"].as_str().unwrap_or_default()
                    ),
                );
            }
            let links = state["links"].as_array().cloned().unwrap_or_default();
            if links.is_empty() {
                self.problem(name, "the error summary lists no errors".into());
            }
            for link in links.iter().filter(|l| l["exists"] != json!(true)) {
                self.problem(
                    name,
                    format!(
                        "the error summary's link {} goes to #{}, which is not on the page",
                        link["text"],
                        link["target"].as_str().unwrap_or_default()
                    ),
                );
            }
        }
        self.check(browser, name).await;
    }

    async fn axe(&mut self, browser: &Browser, name: &str, viewport: Viewport) {
        let loaded = browser.script("return typeof window.axe;", vec![]).await;
        if loaded != json!("object") {
            let source = format!("{}\nreturn typeof window.axe;", self.axe);
            let loaded = browser.script(&source, vec![]).await;
            assert_eq!(loaded, json!("object"), "axe-core did not load");
        }
        let violations = browser.script(RUN_AXE, vec![json!(AXE_TAGS)]).await;
        for violation in violations.as_array().expect("a list of violations") {
            let text = violation.as_str().unwrap_or_default().to_owned();
            self.problem(
                &format!("{name} ({})", viewport.name),
                format!("axe {text}"),
            );
        }
    }

    /// Runs a check that returns a list of problems.
    async fn list(&mut self, browser: &Browser, name: &str, check: &str) {
        let problems = browser.script(check, vec![]).await;
        for problem in problems.as_array().expect("a list") {
            self.problem(name, problem.as_str().unwrap_or_default().to_owned());
        }
    }

    async fn reflow(&mut self, browser: &Browser, name: &str, viewport: Viewport) {
        let widths = browser.script(CHECK_REFLOW, vec![]).await;
        let client = widths["client"].as_u64().unwrap_or_default();
        let scroll = widths["scroll"].as_u64().unwrap_or_default();
        assert_eq!(
            client,
            u64::from(viewport.width),
            "the viewport is not {} CSS pixels wide",
            viewport.width
        );
        if scroll > client {
            self.problem(
                name,
                format!(
                    "at {client} CSS pixels wide (400% zoom) the page scrolls sideways: it is {scroll} pixels wide. Too wide: {}",
                    widths["wide"]
                ),
            );
        }
    }

    async fn screenshot(&mut self, browser: &Browser, name: &str, viewport: Viewport) {
        let png = browser.full_page_png().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = screenshot_dir().join(format!("{name}-{}.png", viewport.name));
        std::fs::write(&path, png).unwrap();
    }

    /// Fails the test with every problem found, if there were any.
    pub fn finish(mut self) {
        let pages = std::mem::take(&mut self.pages);
        let problems = std::mem::take(&mut self.problems);
        assert!(!pages.is_empty(), "no page was checked");
        eprintln!("checked {} pages: {}", pages.len(), pages.join(", "));
        assert!(
            problems.is_empty(),
            "{} accessibility problems:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
}

impl Drop for Audit {
    /// A test that stops early still reports what it had found.
    fn drop(&mut self) {
        if std::thread::panicking() && !self.problems.is_empty() {
            eprintln!(
                "accessibility problems found before the test failed:\n  {}",
                self.problems.join("\n  ")
            );
        }
    }
}
