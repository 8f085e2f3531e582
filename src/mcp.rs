//! `.mcp.json`: adds and removes stack's own entries under `mcpServers`, keeping every
//! other server, key and their order (two-space indentation, as the file is usually kept).

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

pub const FILE: &str = ".mcp.json";

/// What happened to an entry stack wanted to write.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Written,
    AlreadyThere,
    /// The user has a different entry of that name; it is left alone.
    Foreign,
}

pub struct McpFile {
    root: Map<String, Value>,
    /// Whether stack changed anything: an untouched file is never re-rendered.
    changed: bool,
}

impl McpFile {
    pub fn parse(path: &Path, text: Option<&str>) -> Result<McpFile> {
        let Some(text) = text else {
            return Ok(McpFile {
                root: Map::new(),
                changed: false,
            });
        };
        let malformed = |msg: String| {
            Error::usage(msg).with_hint(format!(
                "fix {FILE} by hand; stack never rewrites a malformed file"
            ))
        };
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg);
            malformed(format!(
                "{}:{}:{}: {msg}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        let Value::Object(root) = value else {
            return Err(malformed(format!(
                "{}: expected a JSON object",
                path.display()
            )));
        };
        if root.get("mcpServers").is_some_and(|s| !s.is_object()) {
            return Err(malformed(format!(
                "{}: mcpServers is not an object",
                path.display()
            )));
        }
        Ok(McpFile {
            root,
            changed: false,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.root.get("mcpServers")?.get(name)
    }

    pub fn add(&mut self, name: &str, entry: &Map<String, Value>) -> Added {
        match self.get(name) {
            Some(Value::Object(existing)) if existing == entry => return Added::AlreadyThere,
            Some(_) => return Added::Foreign,
            None => {}
        }
        let servers = self
            .root
            .entry("mcpServers")
            .or_insert_with(|| Value::Object(Map::new()));
        servers
            .as_object_mut()
            .expect("checked when parsed")
            .insert(name.to_string(), Value::Object(entry.clone()));
        self.changed = true;
        Added::Written
    }

    /// Removes `name` only if it is still exactly what stack wrote.
    pub fn remove(&mut self, name: &str, entry: &Map<String, Value>) -> bool {
        let Some(Value::Object(servers)) = self.root.get_mut("mcpServers") else {
            return false;
        };
        match servers.get(name) {
            Some(Value::Object(existing)) if existing == entry => {
                servers.shift_remove(name);
                self.changed = true;
                true
            }
            _ => false,
        }
    }

    pub fn changed(&self) -> bool {
        self.changed
    }

    pub fn render(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.root).expect("JSON values serialize");
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workos() -> Map<String, Value> {
        serde_json::from_str(r#"{"type":"http","url":"https://mcp.workos.com/mcp"}"#).unwrap()
    }

    #[test]
    fn keeps_other_servers_and_order() {
        let text = "{\n  \"zeta\": 1,\n  \"mcpServers\": {\n    \"mine\": {\n      \"command\": \"x\"\n    }\n  },\n  \"alpha\": true\n}\n";
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()), Added::Written);
        assert_eq!(f.add("workos", &workos()), Added::AlreadyThere);
        let out = f.render();
        assert!(
            out.starts_with("{\n  \"zeta\": 1,\n  \"mcpServers\": {\n    \"mine\""),
            "{out}"
        );
        assert!(
            out.contains("\"workos\": {\n      \"type\": \"http\","),
            "{out}"
        );
        assert!(f.remove("workos", &workos()));
        assert_eq!(f.render(), text);
    }

    #[test]
    fn a_users_entry_is_never_replaced_or_removed() {
        let text = r#"{"mcpServers": {"workos": {"command": "my-own"}}}"#;
        let mut f = McpFile::parse(Path::new(FILE), Some(text)).unwrap();
        assert_eq!(f.add("workos", &workos()), Added::Foreign);
        assert!(!f.remove("workos", &workos()));
        assert!(f.render().contains("my-own"));
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = McpFile::parse(Path::new(".mcp.json"), Some("{\n  \"a\": ,\n}"))
            .err()
            .unwrap();
        assert!(err.message.starts_with(".mcp.json:2:8:"), "{}", err.message);
    }
}
