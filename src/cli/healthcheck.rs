//! `unmentoring healthcheck`: asks the service running on this machine, at
//! `http://127.0.0.1:{server.port}/healthz`, whether it is healthy. Exit
//! status 0 when it answers 200 with `"status":"ok"`, 1 otherwise, with one
//! short line either way.
//!
//! It is there for container health checks (the Dockerfile's `HEALTHCHECK`),
//! where the image has no curl: a plain HTTP/1.0 request over a `TcpStream`
//! is all it takes, and it needs no database and no runtime of its own.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::configuration::Settings;

/// The longest the service may take to accept the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest the whole answer may take. `/healthz` gives the database two
/// seconds to answer, so this leaves it room to say what is wrong.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// More than any `/healthz` answer; a bigger one is not our service.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// Checks the service and says what it found: on standard output when it is
/// healthy, on standard error when it is not.
pub fn run(settings: &Settings) -> ExitCode {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, settings.server.port));
    match check(address) {
        Ok(()) => {
            println!("healthy: http://{address}/healthz answered {{\"status\":\"ok\"}}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("unhealthy: {problem:#}");
            ExitCode::FAILURE
        }
    }
}

/// `Ok` when `/healthz` at `address` answers 200 with `"status":"ok"`.
fn check(address: SocketAddr) -> anyhow::Result<()> {
    let answer = fetch_healthz(address)?;
    judge(&answer).with_context(|| format!("http://{address}/healthz"))
}

/// The raw HTTP answer to `GET /healthz`, read within [`ANSWER_TIMEOUT`].
fn fetch_healthz(address: SocketAddr) -> anyhow::Result<Vec<u8>> {
    let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
        .with_context(|| format!("could not connect to {address}"))?;
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    stream.set_write_timeout(Some(ANSWER_TIMEOUT))?;
    // HTTP/1.0 so that the server closes the connection after its answer:
    // the answer is then everything up to the end of the stream.
    let request = format!("GET /healthz HTTP/1.0\r\nHost: {address}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .with_context(|| format!("could not send the request to {address}"))?;
    read_until_closed(stream, deadline).with_context(|| format!("{address} did not answer in full"))
}

/// Reads until the other side closes, giving up at `deadline`. Each read
/// waits only for the time left, so a server that trickles bytes cannot
/// stretch the wait.
fn read_until_closed(stream: TcpStream, deadline: Instant) -> anyhow::Result<Vec<u8>> {
    let mut answer = Vec::new();
    let mut limited = (&stream).take(MAX_ANSWER_BYTES);
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            bail!(
                "no complete answer within {} seconds",
                ANSWER_TIMEOUT.as_secs()
            );
        }
        stream.set_read_timeout(Some(left))?;
        match limited.read(&mut buffer) {
            Ok(0) => return Ok(answer),
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e) if is_timeout(&e) => {
                bail!(
                    "no complete answer within {} seconds",
                    ANSWER_TIMEOUT.as_secs()
                )
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// A read timeout shows up as `WouldBlock` on Unix and `TimedOut` on Windows.
fn is_timeout(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// `Ok` when the answer is 200 with a JSON body whose `status` is `"ok"`;
/// otherwise says what the answer was instead.
fn judge(answer: &[u8]) -> anyhow::Result<()> {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .context("the answer is not HTTP")?;
    let status_line = head.lines().next().unwrap_or_default();
    let code = status_code(status_line)
        .with_context(|| format!("the answer is not HTTP: {status_line:?}"))?;
    let body = body.trim();
    if code != 200 {
        bail!("answered {code}: {}", shorten(body));
    }
    let status = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json.get("status")?.as_str().map(str::to_owned));
    if status.as_deref() != Some("ok") {
        bail!("answered 200 without \"status\":\"ok\": {}", shorten(body));
    }
    Ok(())
}

/// The status code of an HTTP/1.x status line such as `HTTP/1.1 200 OK`.
fn status_code(status_line: &str) -> Option<u16> {
    let mut parts = status_line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// At most 200 characters of a body, on one line, for the message.
fn shorten(body: &str) -> String {
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status_line: &str, body: &str) -> Vec<u8> {
        format!("{status_line}\r\nContent-Type: application/json\r\n\r\n{body}").into_bytes()
    }

    #[test]
    fn a_200_with_status_ok_is_healthy() {
        assert!(judge(&answer("HTTP/1.1 200 OK", r#"{"status":"ok"}"#)).is_ok());
        assert!(judge(&answer("HTTP/1.0 200 OK", r#"{ "status" : "ok" }"#)).is_ok());
    }

    #[test]
    fn a_503_is_unhealthy_and_the_message_gives_the_problems() {
        let body = r#"{"status":"unhealthy","problems":["the round scheduler has stopped"]}"#;
        let problem = judge(&answer("HTTP/1.1 503 Service Unavailable", body)).unwrap_err();
        let message = format!("{problem:#}");
        assert!(message.contains("answered 503"), "{message}");
        assert!(
            message.contains("the round scheduler has stopped"),
            "{message}"
        );
    }

    #[test]
    fn a_200_without_status_ok_is_unhealthy() {
        for body in [
            r#"{"status":"unhealthy"}"#,
            "<html>ok</html>",
            "",
            r#"{"status":1}"#,
        ] {
            let problem = judge(&answer("HTTP/1.1 200 OK", body)).unwrap_err();
            assert!(format!("{problem:#}").contains("without"), "{body:?}");
        }
    }

    #[test]
    fn something_that_is_not_http_is_unhealthy() {
        assert!(judge(b"SSH-2.0-OpenSSH_9.2\r\n").is_err());
        assert!(judge(b"220 smtp.example.org ESMTP\r\n\r\n").is_err());
        assert!(judge(b"").is_err());
    }

    #[test]
    fn a_long_body_is_cut_short_in_the_message() {
        let long = "x".repeat(1000);
        let message = format!(
            "{:#}",
            judge(&answer("HTTP/1.1 500 Oops", &long)).unwrap_err()
        );
        assert!(message.len() < 300, "{message}");
        assert!(message.ends_with('…'), "{message}");
    }
}
