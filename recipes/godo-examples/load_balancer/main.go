// Creates a load balancer for the Droplets tagged oxido-example and waits until it is active.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

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

	lb, _, err := client.LoadBalancers.Create(ctx, &godo.LoadBalancerRequest{
		Name:   "oxido-example",
		Region: "nyc3",
		Tag:    "oxido-example",
		ForwardingRules: []godo.ForwardingRule{
			{EntryProtocol: "http", EntryPort: 80, TargetProtocol: "http", TargetPort: 80},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for lb.Status != "active" {
		if lb.Status == "errored" {
			log.Fatalf("load balancer %s errored", lb.ID)
		}
		time.Sleep(time.Second)
		lb, _, err = client.LoadBalancers.Get(ctx, lb.ID)
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("load balancer %s is active\n", lb.ID)
}
