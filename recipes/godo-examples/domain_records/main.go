// Creates the domain oxido-example.com with an A record for www and a CNAME for blog.
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

	domain, _, err := client.Domains.Create(ctx, &godo.DomainCreateRequest{Name: "oxido-example.com"})
	if err != nil {
		log.Fatal(err)
	}
	a, _, err := client.Domains.CreateRecord(ctx, domain.Name, &godo.DomainRecordEditRequest{
		Type: "A", Name: "www", Data: "203.0.113.10", TTL: 1800,
	})
	if err != nil {
		log.Fatal(err)
	}
	cname, _, err := client.Domains.CreateRecord(ctx, domain.Name, &godo.DomainRecordEditRequest{
		Type: "CNAME", Name: "blog", Data: "www.oxido-example.com.", TTL: 1800,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("domain %s: A record %d, CNAME record %d\n", domain.Name, a.ID, cname.ID)
}
