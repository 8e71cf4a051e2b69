//! `unmentoring healthcheck`, as a container's health check runs it: exit
//! status 0 when the service on `server.port` says it is healthy, 1 when
//! nothing answers, when it answers that it is unhealthy, or when it does not
//! answer in time.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::process::{free_port, Ran, Site};

fn assert_has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "expected {wanted:?} in:\n{text}");
}

fn assert_unhealthy(ran: &Ran, wanted: &str) {
    assert_eq!(ran.code, Some(1), "should exit 1: {}", ran.all());
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr.lines().count(), 1, "one line: {:?}", ran.stderr);
    assert_has(&ran.stderr, "unhealthy: ");
    assert_has(&ran.stderr, wanted);
}

/// A site whose `server.port` is `port`.
fn site_on(port: u16) -> Site {
    let mut site = Site::new();
    site.set("SERVER__PORT", &port.to_string());
    site
}

/// A stand-in server on a free port that reads one request and gives
/// `answer` to it, then closes the connection.
fn answering(answer: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        stream.write_all(answer.as_bytes()).unwrap();
    });
    port
}

/// Reads up to the blank line that ends an HTTP request's head.
fn read_request(stream: &mut TcpStream) {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
        request.push(byte[0]);
    }
}

#[tokio::test]
async fn healthcheck_exits_0_when_the_running_app_is_healthy() {
    let mut site = Site::new();
    let server = site.serve().await;
    let ran = site.run(&["healthcheck"]);
    assert_eq!(ran.code, Some(0), "should exit 0: {}", ran.all());
    assert_has(&ran.stdout, "healthy: ");
    assert_has(&ran.stdout, &format!("{}/healthz", server.base));
    assert_eq!(ran.stderr, "");
}

#[test]
fn healthcheck_exits_1_when_nothing_listens_on_the_port() {
    let port = free_port();
    let mut site = site_on(port);
    let ran = site.run(&["healthcheck"]);
    assert_unhealthy(&ran, &format!("could not connect to 127.0.0.1:{port}"));
    // Checking the service must not create a database of its own.
    assert!(!site.path("db").exists(), "healthcheck created a database");
}

#[test]
fn healthcheck_exits_1_and_gives_the_problems_when_the_app_says_it_is_unhealthy() {
    let port = answering(concat!(
        "HTTP/1.1 503 Service Unavailable\r\n",
        "Content-Type: application/json\r\n\r\n",
        r#"{"status":"unhealthy","problems":["the round scheduler has stopped"]}"#,
    ));
    let ran = site_on(port).run(&["healthcheck"]);
    assert_unhealthy(&ran, "answered 503");
    assert_has(&ran.stderr, "the round scheduler has stopped");
}

#[test]
fn healthcheck_exits_1_when_something_else_answers_200() {
    let port = answering("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>It works!</p>");
    let ran = site_on(port).run(&["healthcheck"]);
    assert_unhealthy(&ran, "answered 200 without \"status\":\"ok\"");
}

#[test]
fn healthcheck_gives_up_on_a_server_that_never_answers() {
    // Never accepted: the kernel still completes the connection (it waits in
    // the listen queue), so the request is sent and no answer ever comes.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let started = Instant::now();
    let ran = site_on(port).run(&["healthcheck"]);
    assert_unhealthy(&ran, "no complete answer within 5 seconds");
    // The check bounds its own wait (5 s); a generous margin over that.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    drop(listener);
}
