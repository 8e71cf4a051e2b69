//! An SMTP server that accepts connections and then stalls, to play a server
//! that hangs: it never greets, or never answers after `RCPT TO`, or answers
//! every command slowly. Only the first few connections stall; later ones
//! are passed through to a working [`TestSmtp`], so a test can show that
//! other mail still gets through once a stalled attempt has timed out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::smtp::TestSmtp;

/// How a stalled connection behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    /// Accepts the connection and never sends its greeting.
    BeforeGreeting,
    /// Talks normally up to `RCPT TO`, then never answers.
    AfterRcpt,
    /// Answers every command correctly, each after this delay.
    SlowReplies(Duration),
}

pub struct StallingSmtp {
    pub port: u16,
    connections: Arc<AtomicUsize>,
}

impl StallingSmtp {
    /// Listens on a free port. The first `stalled` connections stall as
    /// `stall` says; the later ones reach `backend`.
    pub fn start(stall: Stall, stalled: usize, backend: &TestSmtp) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let (count, backend_port) = (connections.clone(), backend.port);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let n = count.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    if n < stalled {
                        converse(client, stall);
                    } else {
                        pass_through(client, backend_port);
                    }
                });
            }
        });
        Self { port, connections }
    }

    /// How many connections have been made so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Plays a minimal SMTP server that stalls where `stall` says.
fn converse(client: TcpStream, stall: Stall) {
    let delay = match stall {
        Stall::SlowReplies(delay) => delay,
        _ => Duration::ZERO,
    };
    if stall == Stall::BeforeGreeting {
        return wait_for_hang_up(client);
    }
    let mut writer = client.try_clone().unwrap();
    let mut say = |text: &str| {
        std::thread::sleep(delay);
        writer.write_all(text.as_bytes()).is_ok()
    };
    let mut lines = BufReader::new(client.try_clone().unwrap()).lines();
    if !say("220 stall.test ESMTP\r\n") {
        return;
    }
    while let Some(Ok(line)) = lines.next() {
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" | "HELO" => "250-stall.test\r\n250 8BITMIME\r\n",
            "RCPT" if stall == Stall::AfterRcpt => return wait_for_hang_up(client),
            "MAIL" | "RCPT" | "NOOP" | "RSET" => "250 OK\r\n",
            "DATA" => {
                if !say("354 go ahead\r\n") {
                    return;
                }
                // The message, up to its closing "." line.
                let ended = lines.by_ref().any(|l| l.map_or(true, |l| l == "."));
                if !ended {
                    return;
                }
                "250 OK queued\r\n"
            }
            "QUIT" => {
                say("221 bye\r\n");
                return;
            }
            _ => "500 not understood\r\n",
        };
        if !say(answer) {
            return;
        }
    }
}

/// Says nothing and reads until the client hangs up.
fn wait_for_hang_up(mut client: TcpStream) {
    let mut sink = [0u8; 1024];
    while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
}

/// Joins the client to the working server, both ways.
fn pass_through(client: TcpStream, backend_port: u16) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", backend_port)) else {
        return;
    };
    let (mut client_in, mut server_out) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    let upstream = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let _ = std::io::copy(&mut server_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = upstream.join();
}
