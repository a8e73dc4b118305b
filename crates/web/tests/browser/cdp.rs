//! A small Chrome DevTools Protocol client: launches Debian's headless `chromium`, opens one
//! page, navigates, fills and clicks through `Runtime.evaluate`, saves screenshots, and counts
//! the bytes each navigation moved over the wire (`Network.loadingFinished`'s
//! `encodedDataLength`: compressed bodies plus headers). Synchronous on purpose: a test calls it
//! from `block_in_place`, while the server under test runs on the other runtime threads.

use base64::Engine;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// The browser, found on `PATH` (`chromium`, as Debian names it).
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| PathBuf::from(d).join(name)).find(|p| p.is_file())
    })
}

pub struct Browser {
    child: Child,
    profile: PathBuf,
    port: u16,
}

impl Browser {
    /// Starts headless Chromium with a fresh profile; `None` when it is not installed.
    pub fn launch() -> Option<Browser> {
        let exe = chromium()?;
        let profile = std::env::temp_dir().join(format!("uplink-chromium-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&profile).expect("profile dir");
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=412,915",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes the port it chose into the profile once it listens.
        let file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Ok(s) = std::fs::read_to_string(&file)
                && let Some(p) = s.lines().next().and_then(|l| l.trim().parse::<u16>().ok())
            {
                break p;
            }
            assert!(Instant::now() < deadline, "chromium did not write DevToolsActivePort");
            std::thread::sleep(Duration::from_millis(50));
        };
        Some(Browser { child, profile, port })
    }

    /// A new tab, driven over its own websocket.
    pub fn page(&self) -> Page {
        let mut browser = Conn::open(&format!("ws://127.0.0.1:{}/devtools/browser", self.port), self.browser_path());
        let t = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let id = t["targetId"].as_str().expect("targetId").to_string();
        let conn = Conn::open(&format!("ws://127.0.0.1:{}/devtools/page/{id}", self.port), None);
        let mut p = Page { conn };
        p.conn.call("Page.enable", json!({}));
        p.conn.call("Network.enable", json!({}));
        p.conn.call("Runtime.enable", json!({}));
        p
    }

    fn browser_path(&self) -> Option<String> {
        let s = std::fs::read_to_string(self.profile.join("DevToolsActivePort")).ok()?;
        s.lines().nth(1).map(|l| format!("ws://127.0.0.1:{}{}", self.port, l.trim()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

struct Conn {
    ws: WebSocket<TcpStream>,
    next: u64,
    events: VecDeque<Value>,
}

impl Conn {
    fn open(url: &str, exact: Option<String>) -> Conn {
        let url = exact.unwrap_or_else(|| url.to_string());
        let host = url.trim_start_matches("ws://").split('/').next().unwrap_or("").to_string();
        let stream = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{host}: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
        let (ws, _) = tungstenite::client::client(url.as_str(), stream).unwrap_or_else(|e| panic!("{url}: {e}"));
        Conn { ws, next: 0, events: VecDeque::new() }
    }

    fn read(&mut self) -> Value {
        loop {
            match self.ws.read().expect("devtools message") {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("devtools json"),
                Message::Binary(b) => return serde_json::from_slice(&b).expect("devtools json"),
                _ => continue,
            }
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(Message::text(msg)).expect("send to devtools");
        loop {
            let m = self.read();
            if m["id"].as_u64() == Some(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            if m.get("method").is_some() {
                self.events.push_back(m);
            }
        }
    }

    /// Waits for the next event named `name`, keeping the others.
    fn wait_event(&mut self, name: &str) -> Value {
        if let Some(i) = self.events.iter().position(|e| e["method"] == name) {
            return self.events.remove(i).unwrap_or_default();
        }
        loop {
            let m = self.read();
            if m["method"] == name {
                return m;
            }
            if m.get("method").is_some() {
                self.events.push_back(m);
            }
        }
    }
}

pub struct Page {
    conn: Conn,
}

impl Page {
    /// Runs `js` in the page and returns its value (promises awaited).
    pub fn eval(&mut self, js: &str) -> Value {
        let r =
            self.conn.call("Runtime.evaluate", json!({"expression": js, "returnByValue": true, "awaitPromise": true}));
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Goes to `url` and waits until it has loaded.
    pub fn goto(&mut self, url: &str) {
        self.conn.events.clear();
        self.conn.call("Page.navigate", json!({"url": url}));
        self.conn.wait_event("Page.loadEventFired");
    }

    /// Clicks the element and waits for the page it leads to.
    pub fn click_and_wait(&mut self, selector: &str) {
        self.conn.events.clear();
        let found = self.eval(&format!(
            "(()=>{{const e=document.querySelector({s});if(!e)return false;e.click();return true}})()",
            s = json!(selector)
        ));
        assert_eq!(found, json!(true), "no element {selector} on {}", self.url());
        self.conn.wait_event("Page.loadEventFired");
    }

    /// Submits the form of the button `selector` without the browser's own checks (`required`),
    /// so the server's validation is what the test sees.
    pub fn submit_unchecked(&mut self, selector: &str) {
        self.eval(&format!(
            "(()=>{{const e=document.querySelector({s});if(e&&e.form)e.form.noValidate=true}})()",
            s = json!(selector)
        ));
        self.click_and_wait(selector);
    }

    /// Types `value` into the input (or chooses it in the select) matched by `selector`.
    pub fn fill(&mut self, selector: &str, value: &str) {
        let ok = self.eval(&format!(
            "(()=>{{const e=document.querySelector({s});if(!e)return false;e.value={v};return true}})()",
            s = json!(selector),
            v = json!(value)
        ));
        assert_eq!(ok, json!(true), "no input {selector} on {}", self.url());
    }

    /// Chooses `files` in the file input matched by `selector`, as a user picking them would.
    pub fn set_files(&mut self, selector: &str, files: &[&std::path::Path]) {
        let root = self.conn.call("DOM.getDocument", json!({"depth": 0}))["root"]["nodeId"].clone();
        let node = self.conn.call("DOM.querySelector", json!({"nodeId": root, "selector": selector}))["nodeId"].clone();
        assert_ne!(node, json!(0), "no file input {selector} on {}", self.url());
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        self.conn.call("DOM.setFileInputFiles", json!({"files": files, "nodeId": node}));
    }

    /// The visible text of the first element matching `selector` ("" when there is none).
    pub fn text(&mut self, selector: &str) -> String {
        let v = self.eval(&format!(
            "(()=>{{const e=document.querySelector({s});return e?e.innerText:''}})()",
            s = json!(selector)
        ));
        v.as_str().unwrap_or("").to_string()
    }

    pub fn value(&mut self, selector: &str) -> String {
        let v = self.eval(&format!("(document.querySelector({s})||{{}}).value||''", s = json!(selector)));
        v.as_str().unwrap_or("").to_string()
    }

    pub fn url(&mut self) -> String {
        self.eval("location.pathname + location.search").as_str().unwrap_or("").to_string()
    }

    pub fn lang(&mut self) -> String {
        self.eval("document.documentElement.lang").as_str().unwrap_or("").to_string()
    }

    /// Shows the page as it prints (`@media print`), or as on the screen again.
    pub fn emulate_print(&mut self, on: bool) {
        self.conn.call("Emulation.setEmulatedMedia", json!({"media": if on { "print" } else { "" }}));
    }

    /// Saves a PNG of the page under `target/artifacts/screenshots/`.
    pub fn screenshot(&mut self, name: &str) {
        let r = self.conn.call("Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true}));
        let png = base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap_or("")).expect("png");
        let dir = artifacts().join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Loads `url` as a first visit (no cache) and returns the bytes moved over the wire for
    /// the page and everything it loaded, with each request's address.
    pub fn weigh(&mut self, url: &str) -> (u64, Vec<(String, u64)>) {
        self.conn.call("Network.setCacheDisabled", json!({"cacheDisabled": true}));
        self.goto(url);
        // Let late requests (the stylesheet, the script) finish.
        std::thread::sleep(Duration::from_millis(300));
        self.eval("1");
        let mut urls = std::collections::HashMap::new();
        let mut total = 0;
        let mut each = Vec::new();
        let events: Vec<Value> = self.conn.events.drain(..).collect();
        for e in &events {
            if e["method"] == "Network.requestWillBeSent" {
                urls.insert(
                    e["params"]["requestId"].to_string(),
                    e["params"]["request"]["url"].as_str().unwrap_or("").to_string(),
                );
            }
        }
        for e in &events {
            if e["method"] == "Network.loadingFinished" {
                let n = e["params"]["encodedDataLength"].as_f64().unwrap_or(0.0) as u64;
                total += n;
                each.push((urls.get(&e["params"]["requestId"].to_string()).cloned().unwrap_or_default(), n));
            }
        }
        self.conn.call("Network.setCacheDisabled", json!({"cacheDisabled": false}));
        (total, each)
    }
}

/// `target/artifacts`, beside the build output.
pub fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("artifacts")
}
