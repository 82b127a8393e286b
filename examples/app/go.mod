module github.com/org/phlo-deploy/examples/app

go 1.22
