//! `stack exec` as the parent of its command, so the command's output can be masked: the
//! child's stdout and stderr pass through [`Masker`] while everything else about the
//! process (stdin, signals, exit code) stays as if `stack` had been replaced by it.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;

use stack::mask::Masker;

/// Why the child did not run to completion under `stack`.
pub enum Failure {
    /// The command could not be started (126 or 127).
    Start(std::io::Error),
    /// `stack` could not set itself up as the parent (125).
    Setup(stack::Error),
}

/// What the supervising loop hears about.
enum Event {
    /// One of the child's output streams reached EOF (or its reader gave up).
    Drained,
    /// A signal `stack` handles arrived.
    #[cfg(unix)]
    Signal(signal_hook::iterator::exfiltrator::origin::Origin),
}

/// Runs `cmd` with stdin inherited and stdout/stderr copied through `masker`, and returns
/// the exit code to pass on: the child's own, or 128+N when it died of signal N. Returns
/// once the child has exited and both streams are drained, so no output is lost.
pub fn run(mut cmd: Command, masker: &Masker) -> Result<u8, Failure> {
    cmd.stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(target_os = "linux")]
    stop_with_parent(&mut cmd);
    // Handlers go in before the child exists, so a signal cannot kill `stack` (and leave
    // the child running unmasked) in between; one that arrives early is forwarded after.
    #[cfg(unix)]
    let mut signals = unix::listen()?;
    let mut child = cmd.spawn().map_err(Failure::Start)?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        unreachable!("both streams were set to piped");
    };
    let (events, inbox) = mpsc::channel();
    std::thread::scope(|scope| {
        pump(scope, masker, stdout, std::io::stdout(), events.clone());
        pump(scope, masker, stderr, std::io::stderr(), events.clone());
        #[cfg(unix)]
        {
            let handle = signals.handle();
            scope.spawn(move || {
                for origin in signals.forever() {
                    if events.send(Event::Signal(origin)).is_err() {
                        break;
                    }
                }
            });
            let status = supervise(&mut child, &inbox);
            // Ends the signal thread; the handlers stay, so a late signal is ignored
            // rather than killing `stack` before it has returned the child's code.
            handle.close();
            status
        }
        #[cfg(not(unix))]
        {
            drop(events);
            let status = child.wait();
            while inbox.recv().is_ok() {}
            status.map(exit_code).map_err(|e| {
                Failure::Setup(stack::Error::failed("cannot wait for the command").caused_by(&e))
            })
        }
    })
}

/// Copies one of the child's streams through the masker to `stack`'s own, on a thread of
/// its own so that neither stream can block the other.
fn pump<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    masker: &'scope Masker,
    from: impl Read + Send + 'scope,
    to: impl Write + Send + 'scope,
    done: mpsc::Sender<Event>,
) {
    scope.spawn(move || {
        // A write error (our reader went away) ends the copy; dropping `from` then gives
        // the child SIGPIPE on its next write, as if it had written to that reader itself.
        let _ = masker.copy(from, to);
        let _ = done.send(Event::Drained);
    });
}

/// Waits for the child to exit and both streams to drain, forwarding signals meanwhile.
/// Only this thread reaps the child, so a forwarded signal can never reach a reused pid.
#[cfg(unix)]
fn supervise(
    child: &mut std::process::Child,
    inbox: &mpsc::Receiver<Event>,
) -> Result<u8, Failure> {
    let mut status: Option<ExitStatus> = None;
    let mut drained = 0;
    loop {
        if status.is_none() {
            status = child.try_wait().map_err(|e| {
                Failure::Setup(stack::Error::failed("cannot wait for the command").caused_by(&e))
            })?;
        }
        if let Some(status) = status
            && drained == 2
        {
            return Ok(exit_code(status));
        }
        match inbox.recv() {
            Ok(Event::Drained) => drained += 1,
            Ok(Event::Signal(origin)) => match status {
                None => unix::forward(child, &origin),
                // The child is gone but something it started still holds its output
                // open: a request to stop is for `stack` now, as for any process.
                Some(_) if unix::stops(origin.signal) => {
                    let _ = std::io::stdout().flush();
                    std::process::exit(128 + origin.signal);
                }
                Some(_) => {}
            },
            // Every sender is gone: nothing more can happen; `try_wait` above decides.
            Err(_) => {
                let status = child.wait().map_err(|e| {
                    Failure::Setup(
                        stack::Error::failed("cannot wait for the command").caused_by(&e),
                    )
                })?;
                return Ok(exit_code(status));
            }
        }
    }
}

/// The code a shell would report: the child's own, or 128+N for signal N.
fn exit_code(status: ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(255);
        }
    }
    match status.code() {
        Some(code) => u8::try_from(code).unwrap_or_else(|_| std::process::exit(code)),
        None => 1,
    }
}

/// Sets the parent-death signal in the child, so that if `stack` is killed outright
/// (SIGKILL, OOM) the child is told to stop instead of running on unsupervised.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn stop_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = rustix::process::getpid();
    // SAFETY: the hook runs in the forked child before exec, where only async-signal-safe
    // operations are allowed. It makes two system calls (prctl and getppid) through
    // rustix's raw syscall wrappers, touches no lock, allocates nothing (its errors are
    // plain OS error codes), and captures only a `Copy` pid.
    unsafe {
        cmd.pre_exec(move || {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::TERM))?;
            // The death signal only covers a parent that dies after it is set: if `stack`
            // died before, the child was already reparented; do not start it at all.
            if rustix::process::getppid() != Some(parent) {
                return Err(std::io::ErrorKind::Other.into());
            }
            Ok(())
        });
    }
}

#[cfg(unix)]
mod unix {
    use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::iterator::exfiltrator::origin::Origin;

    use super::Failure;

    /// The signals passed on to the child. SIGCHLD is heard too, to wake the supervisor
    /// when the child exits.
    const FORWARDED: [i32; 6] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2];

    pub fn listen() -> Result<SignalsInfo<WithOrigin>, Failure> {
        let mut all = FORWARDED.to_vec();
        all.push(SIGCHLD);
        SignalsInfo::<WithOrigin>::new(all).map_err(|e| {
            Failure::Setup(stack::Error::failed("cannot handle signals").caused_by(&e))
        })
    }

    /// Whether `signal` is one `stack` forwards (each of which stops a process by default).
    pub fn stops(signal: i32) -> bool {
        FORWARDED.contains(&signal)
    }

    /// Passes a signal on to the child, once. A signal from the terminal driver (Ctrl-C,
    /// Ctrl-\) has no sending process: it went to the whole foreground process group,
    /// the child included, so forwarding it would deliver it twice. One sent by another
    /// process (`kill <stack pid>`) reached only `stack` and is passed on.
    pub fn forward(child: &std::process::Child, origin: &Origin) {
        let sent_by_a_process = origin.process.is_some_and(|p| p.pid > 0);
        if !sent_by_a_process {
            return;
        }
        let Some(signal) = to_rustix(origin.signal) else {
            return;
        };
        // The child may have exited since the last check; it is not reaped yet (only the
        // supervisor reaps), so the pid still names it and the error is harmless.
        let _ = rustix::process::kill_process(rustix::process::Pid::from_child(child), signal);
    }

    fn to_rustix(signal: i32) -> Option<rustix::process::Signal> {
        use rustix::process::Signal;
        Some(match signal {
            SIGINT => Signal::INT,
            SIGTERM => Signal::TERM,
            SIGHUP => Signal::HUP,
            SIGQUIT => Signal::QUIT,
            SIGUSR1 => Signal::USR1,
            SIGUSR2 => Signal::USR2,
            _ => return None,
        })
    }
}
