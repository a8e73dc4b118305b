//! The API's stories, through real HTTP against a real server on port 0 with a fresh database
//! per test. SQLite by default; PostgreSQL when `UPLINK_TEST_DB` names a server
//! (`postgres://postgres@127.0.0.1/uplink_ci`): each test then gets a schema of its own there.

mod access_matrix;
mod auth;
mod bad_input;
mod catalog;
mod claims;
mod dashboard;
mod dashboard_access;
mod dispatch;
mod helpers;
mod history;
mod ledger;
mod lot_photos;
mod lots;
mod network;
mod notices;
mod operator_pages;
mod order_properties;
mod orders;
mod people;
mod schemas_agree;
mod security;
mod windows;
