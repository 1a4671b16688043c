mod common;
mod droplets;
mod images;
mod ips;
mod kubernetes;
mod registry;
mod volumes;
