//! The release `talkwire` binary in daemon mode as a child process, with a generated config and
//! seeds file, and what /proc says about it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// What a daemon run is told.
pub struct DaemonSetup<'a> {
    /// Feed URLs to poll.
    pub feeds: Vec<String>,
    /// Poll interval of every source.
    pub interval_secs: u64,
    pub brokers: &'a str,
    pub topic: &'a str,
    /// Kept between runs: a second run starts with the first one's cursors and seen articles.
    pub state_dir: &'a Path,
    /// Config, seeds and the daemon's log go here.
    pub work_dir: &'a Path,
}

pub struct Daemon {
    child: Child,
    pub log: PathBuf,
}

impl Daemon {
    pub fn start(setup: &DaemonSetup) -> Self {
        let seeds: String =
            setup.feeds.iter().map(|url| format!("[[source]]\nkind = \"feed\"\nurl = \"{url}\"\n\n")).collect();
        let seeds_file = setup.work_dir.join("seeds.toml");
        std::fs::write(&seeds_file, seeds).expect("seeds file");
        // Production settings except: loopback allowed, a short interval, and no politeness delay
        // towards hosts that are all this machine (per-host concurrency stays at a polite 4).
        let config = format!(
            "[run]\nstate_dir = {state:?}\nallow_private = true\n\n\
             [http]\nper_host_concurrency = 4\nper_host_min_delay_ms = 0\n\n\
             [sources]\nseeds_file = {seeds:?}\ndefault_interval_secs = {interval}\nmin_interval_secs = 1\n\n\
             [sink]\nkind = \"kafka\"\n\n\
             [kafka]\nbrokers = {brokers:?}\ntopic = {topic:?}\ndead_letter_topic = \"\"\n\n\
             [metrics]\nlisten = \"\"\n",
            state = setup.state_dir.display().to_string(),
            seeds = seeds_file.display().to_string(),
            interval = setup.interval_secs,
            brokers = setup.brokers,
            topic = setup.topic,
        );
        let config_file = setup.work_dir.join("talkwire.toml");
        std::fs::write(&config_file, config).expect("config file");
        let log = setup.work_dir.join(format!("talkwire-{}.log", setup.topic));
        let child = Command::new(env!("CARGO_BIN_EXE_talkwire"))
            .args(["run", "--config"])
            .arg(&config_file)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("daemon log"))
            .spawn()
            .expect("cannot start talkwire");
        Self { child, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// VmRSS and VmHWM (peak RSS), in kB.
    pub fn rss_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// CPU time (user + system, all threads) used so far.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        (ticks(11) + ticks(12)) as f64 / clock_ticks_per_second()
    }

    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("talkwire exited early ({status}); see {}", self.log.display());
        }
    }

    /// SIGTERM, then wait for the drain; returns whether it exited 0.
    pub fn stop(mut self) -> bool {
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        for _ in 0..600 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }
}

impl Drop for Daemon {
    /// A bench that fails half-way must not leave a daemon behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// USER_HZ, the unit of /proc/PID/stat's CPU times.
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().ok();
        out.and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(100.0)
    })
}
