// Creates a firewall for the Droplets tagged oxido-example: SSH and HTTP in, everything out.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/digitalocean/godo"
)

func main() {
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	anywhere := []string{"0.0.0.0/0", "::/0"}
	firewall, _, err := client.Firewalls.Create(ctx, &godo.FirewallRequest{
		Name: "oxido-example",
		InboundRules: []godo.InboundRule{
			{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: anywhere}},
			{Protocol: "tcp", PortRange: "80", Sources: &godo.Sources{Addresses: anywhere}},
		},
		OutboundRules: []godo.OutboundRule{
			{Protocol: "tcp", PortRange: "all", Destinations: &godo.Destinations{Addresses: anywhere}},
			{Protocol: "udp", PortRange: "all", Destinations: &godo.Destinations{Addresses: anywhere}},
		},
		Tags: []string{"oxido-example"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("firewall %s is %s\n", firewall.ID, firewall.Status)
}
