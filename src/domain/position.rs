//! The positions (posts) of an online store's operations team. Tasks and reminders are
//! addressed to positions, which each guild maps to one of its Discord roles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A post on the team. The kebab-case key is what config files and commands use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// Operations manager or director (运营经理 / 运营总监): assigns and supervises work.
    Manager,
    /// Operations specialist or assistant (运营专员 / 运营助理).
    Operations,
    /// Marketing and promotion (营销推广).
    Marketing,
    /// Customer service (客服).
    CustomerService,
    /// Design (美工).
    Design,
    /// Copywriting (文案).
    Copywriting,
    /// Warehouse (仓储).
    Warehouse,
    /// Product and merchandising (商品 / 产品跟单).
    Product,
}

impl Position {
    /// Every position, in the order they are shown.
    pub const ALL: [Position; 8] = [
        Position::Manager,
        Position::Operations,
        Position::Marketing,
        Position::CustomerService,
        Position::Design,
        Position::Copywriting,
        Position::Warehouse,
        Position::Product,
    ];

    super::keys_of_all!(8);

    /// The stable key used in configuration, commands and the database.
    pub const fn key(self) -> &'static str {
        match self {
            Position::Manager => "manager",
            Position::Operations => "operations",
            Position::Marketing => "marketing",
            Position::CustomerService => "customer-service",
            Position::Design => "design",
            Position::Copywriting => "copywriting",
            Position::Warehouse => "warehouse",
            Position::Product => "product",
        }
    }

    /// The message-catalog key of the position's display name.
    pub fn label_key(self) -> String {
        format!("position-{}", self.key())
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The text did not name a position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown position {0:?}")]
pub struct UnknownPosition(pub String);

impl FromStr for Position {
    type Err = UnknownPosition;

    /// Accepts the key, common English variants and the Chinese post names people type.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s
            .trim()
            .trim_start_matches('@')
            .to_lowercase()
            .replace(['_', ' '], "-");
        let p = match norm.as_str() {
            "manager" | "ops-manager" | "director" | "经理" | "运营经理" | "运营总监" | "主管" => {
                Position::Manager
            }
            "operations" | "operation" | "ops" | "运营" | "运营专员" | "运营助理" => {
                Position::Operations
            }
            "marketing" | "promotion" | "营销" | "推广" | "营销推广" => Position::Marketing,
            "customer-service" | "cs" | "service" | "support" | "客服" => {
                Position::CustomerService
            }
            "design" | "designer" | "美工" | "设计" => Position::Design,
            "copywriting" | "copywriter" | "copy" | "文案" => Position::Copywriting,
            "warehouse" | "storage" | "仓储" | "仓库" => Position::Warehouse,
            "product" | "merchandising" | "商品" | "产品" | "产品跟单" => Position::Product,
            _ => return Err(UnknownPosition(s.to_string())),
        };
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_chinese_names_parse() {
        for p in Position::ALL {
            assert_eq!(p.key().parse::<Position>(), Ok(p));
        }
        assert_eq!("客服".parse::<Position>(), Ok(Position::CustomerService));
        assert_eq!(
            "@Customer Service".parse::<Position>(),
            Ok(Position::CustomerService)
        );
        assert!("janitor".parse::<Position>().is_err());
    }
}
