//! An SMTP server that can be down and up again: while up, connections are
//! passed through to a [`TestSmtp`]; while down, each connection is closed
//! at once, before any greeting, as a server that is stopping does; going
//! down also cuts the connections open through it.
//!
//! The gate keeps its port bound the whole time. A port left unbound while
//! "down" can be handed by the system to any other socket (an outgoing
//! database connection, another test's server), and then the gate could not
//! come up again, or the processes would talk to someone else.

use std::io::ErrorKind;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::smtp::TestSmtp;

pub struct Gate {
    pub port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Gate {
    /// A gate in front of `backend`, down for now.
    pub fn down(backend: &TestSmtp) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let gate = Self {
            port: listener.local_addr().unwrap().port(),
            up: Arc::default(),
            open: Arc::default(),
        };
        let (up, open, backend_port) = (gate.up.clone(), gate.open.clone(), backend.port);
        std::thread::spawn(move || serve(&listener, backend_port, &up, &open));
        gate
    }

    pub fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    pub fn down_now(&self) {
        self.up.store(false, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// Accepts for ever: passes connections through while up, closes them
/// while down.
fn serve(listener: &TcpListener, backend: u16, up: &AtomicBool, open: &Mutex<Vec<TcpStream>>) {
    loop {
        match listener.accept() {
            Ok((client, _)) if !up.load(Ordering::SeqCst) => {
                let _ = client.shutdown(Shutdown::Both);
            }
            Ok((client, _)) => {
                client.set_nonblocking(false).unwrap();
                let Ok(server) = TcpStream::connect(("127.0.0.1", backend)) else {
                    continue;
                };
                open.lock().unwrap().extend(client.try_clone().ok());
                std::thread::spawn(move || join(client, server));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Copies bytes both ways until either side hangs up.
fn join(client: TcpStream, server: TcpStream) {
    let (mut client_in, mut server_out) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    let upstream = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(Shutdown::Both);
    });
    let (mut server_in, mut client_out) = (server, client);
    let _ = std::io::copy(&mut server_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Both);
    let _ = upstream.join();
}
