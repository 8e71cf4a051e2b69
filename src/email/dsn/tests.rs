use super::*;

const POSTFIX: &str = include_str!("../../../tests/data/dsn/postfix_failed.eml");
const ID: &str = "00112233445566778899aabbccddeeff";

fn postfix(action: &str) -> String {
    POSTFIX
        .replace("{ID}", ID)
        .replace("{TO}", "bob@example.net")
        .replace("{MESSAGE_ID}", "<abc-123@example.org>")
        .replace("{ACTION}", action)
        .replace("{STATUS}", "5.1.1")
        .replace("{CODE}", "550 5.1.1")
}

#[test]
fn reads_a_postfix_bounce() {
    let report = parse(postfix("failed").as_bytes()).unwrap();
    assert_eq!(report.envelope_ids, vec![ID.to_owned()]);
    assert_eq!(report.message_ids, vec!["<abc-123@example.org>".to_owned()]);
    let [recipient] = &report.recipients[..] else {
        panic!("one recipient: {report:?}")
    };
    assert!(recipient.failed());
    assert_eq!(recipient.status.as_deref(), Some("5.1.1"));
    let detail = recipient.detail();
    assert!(
        detail.starts_with(
            "5.1.1 smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown"
        ),
        "{detail}"
    );
}

#[test]
fn a_delay_is_read_as_one() {
    let report = parse(postfix("delayed").as_bytes()).unwrap();
    assert_eq!(report.recipients[0].action, "delayed");
    assert!(!report.recipients[0].failed());
}

#[test]
fn without_the_envelope_id_the_returned_message_id_remains() {
    let other = "bounces@example.org";
    let raw = postfix("failed").replace(&format!("bounces+{ID}@example.org"), other);
    let report = parse(raw.as_bytes()).unwrap();
    assert!(report.envelope_ids.is_empty());
    assert_eq!(report.message_ids, vec!["<abc-123@example.org>".to_owned()]);
}

#[test]
fn anything_else_is_refused() {
    assert_eq!(parse(b"").unwrap_err(), NotADsn::NotAReport);
    assert_eq!(parse(b"hello, world\n").unwrap_err(), NotADsn::NotAReport);
    let plain = "From: a@example.org\r\nSubject: hi\r\n\r\nJust an email.\r\n";
    assert_eq!(parse(plain.as_bytes()).unwrap_err(), NotADsn::NotAReport);
    let no_status = postfix("failed").replace("message/delivery-status", "text/plain");
    assert_eq!(
        parse(no_status.as_bytes()).unwrap_err(),
        NotADsn::NoStatusPart
    );
    let no_action = postfix("failed").replace("Action: failed", "Acton: failed");
    assert_eq!(
        parse(no_action.as_bytes()).unwrap_err(),
        NotADsn::NoRecipients
    );
}
