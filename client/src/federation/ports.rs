//! The port scheme: which port each node of a federation listens on, and `endpoints.tsv`, the
//! table of them that the scripts read.
//!
//! RPC ports come in groups from 9900: the relay chain's validators (9900…), the coordinator's
//! collators (9910…), then ten for each region in the order of the file (region A 9920…,
//! region B 9930…); a group's nodes in the order of the file. Each region's IPFS node has the
//! API and swarm ports the file gives it. Peer-to-peer ports are left to zombienet.

use super::Federation;
use std::fmt;

/// The RPC port of the relay chain's first validator.
pub const RELAY_RPC_PORT: u16 = 9900;
/// The RPC port of the coordinator's first collator.
pub const COORDINATOR_RPC_PORT: u16 = 9910;
/// The RPC port of the first region's first collator.
pub const REGION_RPC_PORT: u16 = 9920;
/// The RPC ports each region has for its collators: at most this many collators a region.
pub const REGION_RPC_PORTS: u16 = 10;

/// The RPC port of the relay chain's validator `validator` (counted from 0).
pub const fn relay_rpc_port(validator: usize) -> u16 {
	RELAY_RPC_PORT + validator as u16
}

/// The RPC port of the coordinator's collator `collator` (counted from 0).
pub const fn coordinator_rpc_port(collator: usize) -> u16 {
	COORDINATOR_RPC_PORT + collator as u16
}

/// The RPC port of collator `collator` of region `region` (both counted from 0).
pub const fn region_rpc_port(region: usize, collator: usize) -> u16 {
	REGION_RPC_PORT + REGION_RPC_PORTS * region as u16 + collator as u16
}

/// A node of the network, a relay chain validator or a collator, and its RPC port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node<'a> {
	/// `relay`, `coordinator` or the region's id.
	pub chain: &'a str,
	/// Its zombienet node name (`--name`).
	pub name: &'a str,
	pub rpc_port: u16,
}

/// The relay chain's validators.
pub fn relay_nodes(federation: &Federation) -> Vec<Node<'_>> {
	let names = federation.relay.validators.iter().map(String::as_str);
	names
		.enumerate()
		.map(|(i, name)| Node { chain: "relay", name, rpc_port: relay_rpc_port(i) })
		.collect()
}

/// The coordinator's collators.
pub fn coordinator_nodes(federation: &Federation) -> Vec<Node<'_>> {
	let names = federation.coordinator.collators.iter().map(|c| c.node.as_str());
	names
		.enumerate()
		.map(|(i, name)| Node { chain: "coordinator", name, rpc_port: coordinator_rpc_port(i) })
		.collect()
}

/// The collators of region `region` (counted from 0 in the order of the file).
pub fn region_nodes(federation: &Federation, region: usize) -> Vec<Node<'_>> {
	let chain = federation.regions[region].id.as_str();
	federation.regions[region]
		.collators()
		.enumerate()
		.map(|(i, name)| Node { chain, name, rpc_port: region_rpc_port(region, i) })
		.collect()
}

/// One line of `endpoints.tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint<'a> {
	/// `chain`, `name`, `rpc_port`.
	Node(Node<'a>),
	/// `region`, `ipfs`, `api_port`, `swarm_port`.
	Ipfs { region: &'a str, api_port: u16, swarm_port: u16 },
}

impl fmt::Display for Endpoint<'_> {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Endpoint::Node(node) => write!(f, "{}\t{}\t{}", node.chain, node.name, node.rpc_port),
			Endpoint::Ipfs { region, api_port, swarm_port } =>
				write!(f, "{region}\tipfs\t{api_port}\t{swarm_port}"),
		}
	}
}

/// Every node of `federation` and every region's IPFS node, with their ports: the relay
/// chain's validators, the coordinator's collators, then each region's collators followed by
/// its IPFS node.
pub fn endpoints(federation: &Federation) -> Vec<Endpoint<'_>> {
	let mut endpoints: Vec<Endpoint> = relay_nodes(federation)
		.into_iter()
		.chain(coordinator_nodes(federation))
		.map(Endpoint::Node)
		.collect();
	for (k, region) in federation.regions.iter().enumerate() {
		endpoints.extend(region_nodes(federation, k).into_iter().map(Endpoint::Node));
		endpoints.push(Endpoint::Ipfs {
			region: &region.id,
			api_port: region.ipfs_api_port,
			swarm_port: region.ipfs_swarm_port,
		});
	}
	endpoints
}

/// `endpoints.tsv`: one line per [`endpoints`] entry, its fields separated by tabs.
pub fn endpoints_tsv(federation: &Federation) -> String {
	endpoints(federation).iter().map(|e| format!("{e}\n")).collect()
}

/// The RPC port of the validator or collator named `name`, if `federation` has one.
pub fn rpc_port(federation: &Federation, name: &str) -> Option<u16> {
	endpoints(federation).into_iter().find_map(|e| match e {
		Endpoint::Node(node) if node.name == name => Some(node.rpc_port),
		_ => None,
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::federation::tests::{parse, SHIPPED, THIRD_REGION};

	#[test]
	fn the_shipped_federation_gets_the_ports_the_scripts_and_tests_expect() {
		let federation = parse(SHIPPED);
		let port = |name| rpc_port(&federation, name);
		assert_eq!(port("relay-alpha"), Some(9900));
		assert_eq!(port("relay-gamma"), Some(relay_rpc_port(2)));
		assert_eq!(port("coord-alice"), Some(9910));
		assert_eq!(port("coord-eve"), Some(coordinator_rpc_port(1)));
		assert_eq!(port("alice"), Some(9920));
		assert_eq!(port("bob"), Some(region_rpc_port(0, 1)));
		assert_eq!(port("eve"), Some(9930));
		assert_eq!(port("ferdie"), Some(region_rpc_port(1, 1)));
		assert_eq!(port("nobody"), None);
		assert_eq!(
			region_nodes(&federation, 1),
			[
				Node { chain: "region-b", name: "eve", rpc_port: 9930 },
				Node { chain: "region-b", name: "ferdie", rpc_port: 9931 },
			]
		);

		let federation = parse(&format!("{SHIPPED}{THIRD_REGION}"));
		let ipfs: Vec<_> = endpoints(&federation)
			.into_iter()
			.filter(|e| matches!(e, Endpoint::Ipfs { .. }))
			.map(|e| e.to_string())
			.collect();
		assert_eq!(
			ipfs,
			[
				"region-a\tipfs\t5001\t4101",
				"region-b\tipfs\t5002\t4102",
				"region-c\tipfs\t5003\t4103"
			]
		);
		assert_eq!(rpc_port(&federation, "dave"), Some(region_rpc_port(2, 1)));
	}
}
