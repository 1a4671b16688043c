// Creates a project and assigns a Droplet to it. Usage: project_assign <droplet-id>
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"

	"github.com/digitalocean/godo"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: project_assign <droplet-id>")
	}
	dropletID, err := strconv.Atoi(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	project, _, err := client.Projects.Create(ctx, &godo.CreateProjectRequest{
		Name:        "oxido-example",
		Purpose:     "Web Application",
		Environment: "Development",
	})
	if err != nil {
		log.Fatal(err)
	}
	resources, _, err := client.Projects.AssignResources(ctx, project.ID, &godo.Droplet{ID: dropletID})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resources {
		fmt.Printf("project %s: %s %s\n", project.ID, r.URN, r.Status)
	}
}
