// Lists every Droplet tagged oxido-example, page by page.
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

	count := 0
	opt := &godo.ListOptions{PerPage: 200}
	for {
		droplets, resp, err := client.Droplets.ListByTag(ctx, "oxido-example", opt)
		if err != nil {
			log.Fatal(err)
		}
		for _, d := range droplets {
			fmt.Printf("%d %s %s\n", d.ID, d.Name, d.Status)
		}
		count += len(droplets)
		if resp.Links == nil || resp.Links.IsLastPage() {
			break
		}
		page, err := resp.Links.CurrentPage()
		if err != nil {
			log.Fatal(err)
		}
		opt.Page = page + 1
	}
	fmt.Printf("%d droplets tagged oxido-example\n", count)
}
