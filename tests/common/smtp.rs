//! A real SMTP server in the test process (mailin-embedded), recording every
//! message it accepts. It can be told to answer with a temporary (4xx) or
//! permanent (5xx) error, and it can be started late, on a port chosen in
//! advance, to play a server that was down.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use mailin_embedded::response::{INTERNAL_ERROR, NO_MAILBOX, OK, TRANSACTION_FAILED};
use mailin_embedded::{Handler, Response, Server};

use super::mail::ReceivedEmail;

/// How the server answers a recipient (RCPT TO).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    /// 451: try again later.
    Temporary,
    /// 554: refused for good.
    Permanent,
    /// 550: no such mailbox (a recipient's answer, see [`TestSmtp::answer_for`]).
    NoMailbox,
}

fn response(answer: Answer) -> Option<Response> {
    match answer {
        Answer::Accept => None,
        Answer::Temporary => Some(INTERNAL_ERROR),
        Answer::Permanent => Some(TRANSACTION_FAILED),
        Answer::NoMailbox => Some(NO_MAILBOX),
    }
}

#[derive(Clone)]
struct Recorder {
    received: Arc<Mutex<Vec<ReceivedEmail>>>,
    answer: Arc<Mutex<Answer>>,
    /// Answers for single recipients (by lower-case address), at RCPT TO.
    recipient_answers: Arc<Mutex<HashMap<String, Answer>>>,
    current: Vec<u8>,
    recipients: Vec<String>,
    /// The envelope sender (MAIL FROM) of the message being received.
    sender: String,
}

impl Recorder {
    fn refusal(&self) -> Option<Response> {
        response(*self.answer.lock().unwrap())
    }
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        let own = self
            .recipient_answers
            .lock()
            .unwrap()
            .get(&to.to_lowercase())
            .copied();
        own.and_then(response)
            .or_else(|| self.refusal())
            .unwrap_or(OK)
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current.clear();
        self.recipients = to.to_vec();
        self.sender = from.to_owned();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(refusal) = self.refusal() {
            return refusal;
        }
        let mut email = ReceivedEmail::parse(&self.current, self.recipients.clone());
        email.envelope_from = self.sender.clone();
        self.received.lock().unwrap().push(email);
        OK
    }
}

/// A handle on the test SMTP server.
#[derive(Clone)]
pub struct TestSmtp {
    pub port: u16,
    /// Until [`TestSmtp::listen`]: a socket bound to the port but not
    /// listening, so connections are refused and no other socket can be
    /// given the port meanwhile (a port merely remembered could be).
    reserved: Arc<Mutex<Option<Socket>>>,
    received: Arc<Mutex<Vec<ReceivedEmail>>>,
    answer: Arc<Mutex<Answer>>,
    recipient_answers: Arc<Mutex<HashMap<String, Answer>>>,
}

impl TestSmtp {
    /// A server listening now on a free port.
    pub fn start() -> Self {
        let smtp = Self::reserve();
        smtp.listen();
        smtp
    }

    /// Picks a free port but does not listen yet: connections are refused
    /// until [`TestSmtp::listen`].
    pub fn reserve() -> Self {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let any_port: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&any_port.into()).unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        Self {
            port,
            reserved: Arc::new(Mutex::new(Some(socket))),
            received: Arc::default(),
            answer: Arc::new(Mutex::new(Answer::Accept)),
            recipient_answers: Arc::default(),
        }
    }

    pub fn listen(&self) {
        let socket = self.reserved.lock().unwrap().take();
        let socket = socket.expect("the test SMTP server listens once");
        socket.listen(128).unwrap();
        let listener = TcpListener::from(socket);
        let mut server = Server::new(Recorder {
            received: self.received.clone(),
            answer: self.answer.clone(),
            recipient_answers: self.recipient_answers.clone(),
            current: Vec::new(),
            recipients: Vec::new(),
            sender: String::new(),
        });
        server
            .with_name("smtp.test")
            .with_num_threads(4)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
    }

    pub fn answer_with(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    /// How the server answers one recipient, whatever it answers others.
    pub fn answer_for(&self, address: &str, answer: Answer) {
        let mut answers = self.recipient_answers.lock().unwrap();
        answers.insert(address.to_lowercase(), answer);
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until at least `n` emails have arrived; returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<ReceivedEmail> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} emails, got {}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
