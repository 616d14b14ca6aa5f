//! The `talkwire` command line.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use talkwire::config::{self, LogFormat, SinkKind};
use talkwire::enrich::{InputFormat, Stages, enrich_saved};
use talkwire::extract::{Extractor, PageInput};
use talkwire::pipeline::{self, RunOptions};
use talkwire::relevance::{Explanation, TopicFilter};
use talkwire::{record, telemetry};

/// mimalloc instead of the system allocator: parsing builds and drops a DOM of thousands of
/// small nodes per page, and glibc's malloc/free were ~10% of the article path's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_CONFIG: &str = "config/talkwire.toml";

/// Follow one running story — today the Iran–US nuclear talks — across news
/// feeds and pages, and publish every new article about it, cleaned,
/// deduplicated and enriched with entities and quotes, as one JSON record per
/// article to a Kafka topic (or stdout).
#[derive(Parser)]
#[command(name = "talkwire", version, propagate_version = true)]
#[command(after_help = "\
Examples:
  talkwire run --once --sink stdout --feed seeds/samples/feed.xml   try it offline
  talkwire run                                                      the daemon, config/talkwire.toml
  talkwire run --sink kafka --brokers 127.0.0.1:9092 --topic news   publish to Kafka
  talkwire enrich page.html                                         one saved page → one record
  talkwire check-config --config /etc/talkwire/talkwire.toml        validate before deploying
  talkwire discover https://www.example.com/world/                  a site's feeds, sitemaps, robots rules
  talkwire topic explain page.html                                  why a page is (not) about the story

Environment: TALKWIRE_<SECTION>__<KEY> overrides the config file (e.g. TALKWIRE_KAFKA__BROKERS);
RUST_LOG overrides the log level.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    /// Log level or tracing filter, e.g. `debug` or `talkwire=debug` (RUST_LOG wins).
    #[arg(long, global = true)]
    log_level: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Poll the sources and publish enriched records (daemon until SIGTERM, or --once).
    Run(RunArgs),
    /// Enrich saved pages (or texts) without network or state; one JSON line per input.
    Enrich(EnrichArgs),
    /// Validate the configuration and print the effective settings (secrets masked).
    CheckConfig {
        /// Config file.
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
    /// Print the JSON Schema of the published record.
    Schema,
    /// Find a site's feeds, sitemaps and robots.txt rules, to add it to the seeds in a minute.
    Discover(DiscoverArgs),
    /// The topic model: `topic explain FILE...` shows why saved pages are (not) about the story.
    #[command(subcommand)]
    Topic(TopicCommand),
    /// List the sources' saved cursors (HTTP validators, sitemap and GDELT positions), or forget one
    /// with --reset so its next poll starts afresh. Stop the daemon first: it holds the state open.
    Cursors(CursorsArgs),
}

#[derive(Subcommand)]
enum TopicCommand {
    /// Print, per input and story, the score, the evidence that counted and the decision.
    Explain(ExplainArgs),
}

#[derive(Args)]
struct ExplainArgs {
    /// Config file for the topic model (missing default file = built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Input format: a saved HTML page (title and text extracted), or the article's body text.
    #[arg(long, value_enum, default_value = "html")]
    format: InputFormat,
    /// Files to explain; `-` reads stdin.
    #[arg(required = true)]
    files: Vec<String>,
}

#[derive(Args)]
struct CursorsArgs {
    /// Config file (for run.state_dir; missing default file = built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    /// State directory; overrides run.state_dir.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Forget this source's cursor and failure count (the source URL as `cursors` lists it).
    #[arg(long, value_name = "SOURCE_URL")]
    reset: Option<String>,
}

#[derive(Args)]
struct DiscoverArgs {
    /// The site's home or section page.
    url: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Config file for the HTTP settings (optional).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Let fetches reach loopback and private-network addresses.
    #[arg(long)]
    allow_private: bool,
}

#[derive(Args)]
struct RunArgs {
    /// Config file (missing default file = built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Poll every source once, process everything found, flush, exit.
    #[arg(long)]
    once: bool,
    /// A feed to poll (URL, file:// URL or path); repeatable; replaces the configured sources.
    #[arg(long = "feed", value_name = "URL")]
    feeds: Vec<String>,
    /// An HTML section page whose article links to follow; repeatable; replaces the configured sources.
    #[arg(long = "page", value_name = "URL")]
    pages: Vec<String>,
    /// Where records go.
    #[arg(long, value_enum)]
    sink: Option<SinkArg>,
    /// Kafka bootstrap servers, HOST:PORT[,HOST:PORT...].
    #[arg(long)]
    brokers: Option<String>,
    /// Kafka topic.
    #[arg(long)]
    topic: Option<String>,
    /// Directory of the state store.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Let fetches reach loopback and private-network addresses.
    #[arg(long)]
    allow_private: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SinkArg {
    Kafka,
    Stdout,
}

#[derive(Args)]
struct EnrichArgs {
    /// The page's address (with a single file): used for relative links and canonical checks.
    #[arg(long)]
    url: Option<url::Url>,
    /// Input format: a saved HTML page, or the article's body text verbatim.
    #[arg(long, value_enum, default_value = "html")]
    format: InputFormat,
    /// Config file for the topic filter and gazetteer (optional).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Files to enrich; `-` reads stdin.
    #[arg(required = true)]
    files: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&record::json_schema()).expect("schema serialises"));
            ExitCode::SUCCESS
        }
        Command::CheckConfig { config } => check_config(&config),
        Command::Enrich(args) => {
            telemetry::init_logging(
                cli.log_format.unwrap_or(LogFormat::Json),
                cli.log_level.as_deref().unwrap_or("warn"),
            );
            report(enrich(args))
        }
        Command::Run(args) => report(run(args, cli.log_format, cli.log_level)),
        Command::Cursors(args) => report(cursors(args)),
        Command::Topic(TopicCommand::Explain(args)) => {
            telemetry::init_logging(
                cli.log_format.unwrap_or(LogFormat::Text),
                cli.log_level.as_deref().unwrap_or("warn"),
            );
            report(explain_topic(args))
        }
        Command::Discover(args) => {
            telemetry::init_logging(
                cli.log_format.unwrap_or(LogFormat::Text),
                cli.log_level.as_deref().unwrap_or("warn"),
            );
            report(discover(args))
        }
    }
}

/// `talkwire cursors`: one JSON line per source, or the reset of one.
fn cursors(args: CursorsArgs) -> anyhow::Result<ExitCode> {
    let mut config = load_config(args.config, config::Seeds::Skip)?.config;
    if let Some(dir) = args.state_dir {
        config.run.state_dir = dir;
    }
    let dir = &config.run.state_dir;
    let store = talkwire::state::Store::open(dir)
        .with_context(|| format!("opening the state in {} (is a talkwire daemon running on it?)", dir.display()))?;
    if let Some(source) = args.reset {
        if !store.reset_source(&source).context("resetting the cursor")? {
            eprintln!("talkwire: no cursor or failure count saved for {source} in {}", dir.display());
            return Ok(ExitCode::FAILURE);
        }
        println!("reset {source}: its next poll is unconditional");
        return Ok(ExitCode::SUCCESS);
    }
    for (source, cursor) in store.cursors().context("reading the cursors")? {
        let line = serde_json::json!({ "source": source, "cursor": cursor });
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        let error = telemetry::redact_credentials(&format!("{e:#}"));
        tracing::error!(error, "fatal");
        eprintln!("talkwire: {error}");
        ExitCode::FAILURE
    })
}

fn check_config(path: &std::path::Path) -> ExitCode {
    match config::load(Some(path), std::env::vars(), config::Seeds::Read) {
        Ok(loaded) => {
            println!("# {}: valid; {} sources", path.display(), loaded.sources.len());
            print!("{}", config::render_effective(&loaded.config));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The config file to use: the one given, else the default when it exists, else built-in defaults.
fn config_path(given: Option<PathBuf>) -> Option<PathBuf> {
    given.or_else(|| Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.exists()))
}

fn load_config(path: Option<PathBuf>, seeds: config::Seeds) -> anyhow::Result<config::Loaded> {
    Ok(config::load(config_path(path).as_deref(), std::env::vars(), seeds)?)
}

fn run(args: RunArgs, log_format: Option<LogFormat>, log_level: Option<String>) -> anyhow::Result<ExitCode> {
    let flag_sources = !args.feeds.is_empty() || !args.pages.is_empty();
    let seeds = if flag_sources { config::Seeds::Skip } else { config::Seeds::Read };
    let mut loaded = load_config(args.config, seeds)?;
    let c = &mut loaded.config;
    if let Some(sink) = args.sink {
        c.sink.kind = match sink {
            SinkArg::Kafka => SinkKind::Kafka,
            SinkArg::Stdout => SinkKind::Stdout,
        };
    }
    if let Some(b) = args.brokers {
        c.kafka.brokers = b;
    }
    if let Some(t) = args.topic {
        c.kafka.topic = t;
    }
    if let Some(d) = args.state_dir {
        c.run.state_dir = d;
    }
    c.run.allow_private |= args.allow_private;
    if let Some(f) = log_format {
        c.log.format = f;
    }
    if let Some(l) = log_level {
        c.log.level = l;
    }
    if flag_sources {
        loaded.sources = config::sources_from_flags(&args.feeds, &args.pages)?;
    }
    telemetry::init_logging(loaded.config.log.format, &loaded.config.log.level);

    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let exit = runtime.block_on(async move {
        let config = loaded.config;
        let shutdown = CancellationToken::new();
        let ready = Arc::new(telemetry::Readiness::default());
        let server_stop = CancellationToken::new();
        if !config.metrics.listen.is_empty() {
            let addr = config.metrics.listen.parse().context("metrics.listen")?;
            let router = telemetry::router(telemetry::init_metrics(), ready.clone());
            let stop = server_stop.clone();
            tokio::spawn(async move {
                if let Err(error) = telemetry::serve(addr, router, stop).await {
                    tracing::warn!(%addr, %error, "metrics/health server not running");
                }
            });
        }
        tokio::spawn(watch_signals(shutdown.clone()));
        tracing::info!(
            sources = loaded.sources.len(), sink = %config.sink.kind, once = args.once,
            state_dir = %config.run.state_dir.display(), "talkwire starting"
        );
        let once = args.once;
        let report = pipeline::run(RunOptions { config, sources: loaded.sources, once, shutdown, ready }).await?;
        server_stop.cancel();
        if report.unacknowledged > 0 {
            tracing::error!(
                unacknowledged = report.unacknowledged,
                "some articles were not acknowledged by the sink; they will be fetched again"
            );
            return Ok(ExitCode::from(2));
        }
        Ok(ExitCode::SUCCESS)
    });
    // The drain bound has passed or everything is done: work still running (a flush cut short,
    // a stage mid-article) is abandoned rather than waited for; its articles are counted above.
    runtime.shutdown_timeout(Duration::from_millis(200));
    exit
}

/// `talkwire discover`: what a site offers, as text or JSON. Fails when nothing usable was found.
fn discover(args: DiscoverArgs) -> anyhow::Result<ExitCode> {
    use talkwire::sources::{SourceLocation, discover};
    let config = load_config(args.config, config::Seeds::Skip)?.config;
    let location = SourceLocation::parse(&args.url)?;
    let fetcher = talkwire::fetch::Fetcher::new(&config.http, config.run.allow_private || args.allow_private)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(discover::discover(&fetcher, &location, discover::Depth::Full))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render_text());
    }
    let usable = !report.feed_urls().is_empty() || !report.sitemap_urls().is_empty();
    Ok(if usable { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// First SIGTERM/SIGINT: drain. The drain bound in the pipeline ends it.
async fn watch_signals(shutdown: CancellationToken) {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM");
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => tracing::info!(signal = "SIGTERM", "shutting down: draining"),
        _ = tokio::signal::ctrl_c() => tracing::info!(signal = "SIGINT", "shutting down: draining"),
    }
    shutdown.cancel();
}

/// `talkwire topic explain`: the topic verdict of each input, with the evidence behind it.
fn explain_topic(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config, config::Seeds::Skip)?.config;
    // One story today; with `[[story]]` tables each would be explained in turn.
    let stories = [("default", TopicFilter::new(&config.topic))];
    let extractor = Extractor::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for file in &args.files {
        let bytes = match read_input(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                failed = true;
                tracing::error!(file, %error, "cannot read input");
                writeln!(out, "{file}: cannot read: {error}")?;
                continue;
            }
        };
        let (title, text) = match args.format {
            InputFormat::Html => {
                let location = talkwire::sources::SourceLocation::File(file.into()).as_url();
                let page = extractor.extract(&PageInput { body: &bytes, content_type: None, url: Some(&location) });
                (page.title.split_whitespace().collect::<Vec<_>>().join(" "), page.text)
            }
            InputFormat::Text => (String::new(), String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
        };
        writeln!(out, "{file}")?;
        if !title.is_empty() {
            writeln!(out, "  title: {title}")?;
        }
        for (story, filter) in &stories {
            write_explanation(&mut out, story, &filter.explain(&title, &text))?;
        }
    }
    out.flush()?;
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn write_explanation(out: &mut impl Write, story: &str, e: &Explanation) -> std::io::Result<()> {
    let decision = if e.topic.relevant { "relevant" } else { "not relevant" };
    let near = if e.near_threshold { ", near the threshold" } else { "" };
    writeln!(
        out,
        "  story {story}: {decision} (score {:.3}, threshold {}, {} model{near})",
        e.topic.score, e.threshold, e.model
    )?;
    if e.model == "rules" {
        writeln!(out, "    matched: {}", e.topic.matched.join(", "))?;
        return Ok(());
    }
    writeln!(out, "    bias {:+.2}", e.bias)?;
    for signal in &e.signals {
        let terms: Vec<String> = signal
            .terms
            .iter()
            .map(|t| {
                let zones: Vec<String> = [("title", t.title), ("lead", t.lead), ("body", t.body)]
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(zone, n)| format!("{zone} {n}"))
                    .collect();
                format!("{} ({})", t.term, zones.join(", "))
            })
            .collect();
        writeln!(
            out,
            "    signal {:<12} {:+.2}  strength {:.2} from evidence {:.2}: {}",
            signal.name,
            signal.contribution,
            signal.strength,
            signal.evidence,
            terms.join(", ")
        )?;
    }
    if e.pair_factor < 1.0 {
        writeln!(out, "    pairs count {:.2} of their weight: evidence against", e.pair_factor)?;
    }
    for pair in &e.pairs {
        writeln!(
            out,
            "    pair   {:<22} {:+.2}",
            format!("{}+{}", pair.signals[0], pair.signals[1]),
            pair.contribution
        )?;
    }
    if e.signals.is_empty() {
        writeln!(out, "    no evidence")?;
    }
    Ok(())
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(file)
    }
}

fn enrich(args: EnrichArgs) -> anyhow::Result<ExitCode> {
    if args.url.is_some() && args.files.len() > 1 {
        anyhow::bail!("--url names one page: give a single file with it");
    }
    let config = load_config(args.config, config::Seeds::Skip)?.config;
    let stages = Stages::new(&config).context("loading the entity gazetteer")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for file in &args.files {
        let bytes = read_input(file);
        // Serialised straight into the buffered output: no string per record.
        match bytes {
            Ok(bytes) => {
                serde_json::to_writer(&mut out, &enrich_saved(&stages, &bytes, file, args.url.as_ref(), args.format))?
            }
            Err(error) => {
                failed = true;
                tracing::error!(file, %error, "cannot read input");
                serde_json::to_writer(&mut out, &serde_json::json!({"file": file, "error": error.to_string()}))?;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
