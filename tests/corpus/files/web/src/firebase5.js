const firebaseConfig = {
  apiKey: "AIzaHq_Qs0vruIcEoNE2rVGJqH43jvMiecWCjCp",
  authDomain: "app-5.firebaseapp.com",
  projectId: "app-5",
};
